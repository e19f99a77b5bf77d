package org.distvault.server.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A plain-text response whose body is one line saying why (errors, misses, refusals). */
public final class OneLineReply {
  private OneLineReply() {}

  /**
   * Sends {@code status} with {@code line} and a newline as the body, without blocking. Line breaks
   * inside {@code line} are replaced so the body stays one line.
   */
  public static void send(HttpServerExchange exchange, int status, String line) {
    byte[] body = (line.replace('\r', ' ').replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.setResponseContentLength(body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }
}
