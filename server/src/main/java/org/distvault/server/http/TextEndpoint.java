package org.distvault.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A GET/HEAD endpoint whose body is text computed per request (e.g. {@code /metrics},
 * {@code /healthz}). The body is computed on a worker thread; other methods get 405.
 */
public final class TextEndpoint implements HttpHandler {
  private final String contentType;
  private final Supplier<String> body;

  /**
   * @param contentType the {@code Content-Type} of every answer
   * @param body computes the body; may block briefly
   */
  public TextEndpoint(String contentType, Supplier<String> body) {
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    this.body = Objects.requireNonNull(body, "body");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      OneLineReply.send(exchange, StatusCodes.METHOD_NOT_ALLOWED,
          exchange.getRequestMethod() + " not allowed: use GET or HEAD");
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return;
    }
    byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.setResponseContentLength(bytes.length);
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.endExchange();
      return;
    }
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }
}
