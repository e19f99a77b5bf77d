package org.distvault.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures what one class logs during each test, at a level of the test's choosing (logback-test.xml
 * may keep the logger quieter for other tests), and puts the logger back afterwards. Register it
 * with {@code @RegisterExtension}.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final Logger logger;
  private final Level level;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Level configured;

  public LogCapture(Class<?> of, Level level) {
    this.logger = (Logger) LoggerFactory.getLogger(of);
    this.level = level;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    configured = logger.getLevel();
    logger.setLevel(level);
    logged.list.clear();
    logged.start();
    logger.addAppender(logged);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    logger.detachAppender(logged);
    logger.setLevel(configured);
  }

  /** The events logged so far in this test, oldest first. */
  public List<ILoggingEvent> events() {
    return List.copyOf(logged.list);
  }
}
