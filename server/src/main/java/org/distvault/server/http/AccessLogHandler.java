package org.distvault.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A wrapping handler that writes one access log line per exchange when it ends: the common log
 * format, then the PKGPATH and the source set of a distfile request ({@code -} when the route has
 * none):
 *
 * <pre>
 * 192.0.2.7 - - [06/Dec/2026:16:01:02 +0000] "GET /set/2026Q4/pkg/devel/gmake/make-4.4.tar.gz HTTP/1.1" 200 2321139 devel/gmake 2026Q4
 * </pre>
 *
 * The byte count is the body sent ({@code -} for none). Characters outside printable ASCII, and
 * {@code "} and {@code \}, in the request line are written as {@code \xHH} (their UTF-8 bytes).
 * The line goes to a {@code Consumer} that must not block: the access log's queue.
 */
public final class AccessLogHandler implements HttpHandler {
  /** The parsed target of a serving route's request, for the access log. */
  static final AttachmentKey<RequestTarget> TARGET = AttachmentKey.create(RequestTarget.class);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private final HttpHandler next;
  private final Consumer<String> lines;
  private final Clock clock;

  public AccessLogHandler(HttpHandler next, Consumer<String> lines, Clock clock) {
    this.next = Objects.requireNonNull(next, "next");
    this.lines = Objects.requireNonNull(lines, "lines");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Instant received = clock.instant();
    exchange.addExchangeCompleteListener((done, nextListener) -> {
      try {
        lines.accept(line(done, received));
      } finally {
        nextListener.proceed();
      }
    });
    next.handleRequest(exchange);
  }

  /** The last second formatted: requests come many to a second, and formatting costs more than the rest. */
  private volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  private record Second(long epochSecond, String text) {}

  private String time(Instant at) {
    Second last = lastSecond;
    if (last.epochSecond() != at.getEpochSecond()) {
      last = new Second(at.getEpochSecond(), TIME.format(at));
      lastSecond = last;
    }
    return last.text();
  }

  private String line(HttpServerExchange exchange, Instant received) {
    StringBuilder b = new StringBuilder(200);
    InetSocketAddress source = exchange.getSourceAddress();
    b.append(source == null || source.getAddress() == null ? "-" : source.getAddress().getHostAddress());
    b.append(" - - [").append(time(received)).append("] \"");
    StringBuilder request = new StringBuilder().append(exchange.getRequestMethod()).append(' ')
        .append(exchange.getRequestURI());
    if (!exchange.getQueryString().isEmpty()) {
      request.append('?').append(exchange.getQueryString());
    }
    request.append(' ').append(exchange.getProtocol());
    escape(request, b);
    b.append("\" ").append(exchange.getStatusCode()).append(' ');
    FileTransfer body = exchange.getAttachment(FileTransfer.KEY);
    long bytes = body != null ? body.sent() : exchange.getResponseBytesSent();
    b.append(bytes > 0 ? Long.toString(bytes) : "-");
    RequestTarget target = exchange.getAttachment(TARGET);
    if (target instanceof DistfileRequest d) {
      b.append(' ').append(d.pkgPath().map(PkgPath::toString).orElse("-")).append(' ').append(d.set());
    } else {
      b.append(" - -");
    }
    return b.toString();
  }

  private static void escape(CharSequence text, StringBuilder to) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        to.append(c);
        continue;
      }
      int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
      for (byte x : text.subSequence(i, end).toString().getBytes(StandardCharsets.UTF_8)) {
        to.append(String.format("\\x%02X", x & 0xff));
      }
      i = end - 1;
    }
  }
}
