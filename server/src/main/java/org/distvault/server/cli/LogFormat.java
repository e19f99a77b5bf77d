package org.distvault.server.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * How {@code serve} writes its log lines on stderr ({@code --log-format}): logback.xml's pattern,
 * or one JSON object per line from Logback's own {@link JsonEncoder}.
 */
enum LogFormat {
  TEXT,
  JSON;

  /**
   * Switches the root logger's stream appenders (logback.xml's STDERR) to this format. Called once
   * the flags are parsed, before the server logs anything; TEXT leaves logback.xml's setup alone.
   */
  void apply() {
    if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream) {
        stream.stop();
        stream.setEncoder(jsonEncoder(context));
        stream.start();
      }
    }
  }

  /**
   * One object per line: timestamp (Unix milliseconds), level, threadName, loggerName, mdc,
   * message (the pattern, e.g. "cannot serve {}: {}", to group lines by), formattedMessage (with
   * the arguments filled in), throwable when there is one. The arguments apart and the logger
   * context are left out as noise.
   */
  private static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.start();
    return json;
  }

  /** Parses {@code text} or {@code json}. */
  static final class Converter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return switch (value) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default -> throw new CommandLine.TypeConversionException("'" + value + "': use text or json");
      };
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
