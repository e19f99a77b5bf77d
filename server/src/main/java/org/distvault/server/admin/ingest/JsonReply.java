package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.Map;

/** Sends a JSON response body; the one place this package turns values into response bytes. */
final class JsonReply {
  static final ObjectMapper JSON = new ObjectMapper();

  private JsonReply() {}

  /** Sends {@code status} with {@code body} (maps, lists, strings and numbers) as JSON. */
  static void send(HttpServerExchange exchange, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // Only maps of plain values are sent; failing to write one is a bug, not a client error.
      throw new IllegalStateException("cannot write a JSON reply: " + e.getOriginalMessage(), e);
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.setResponseContentLength(bytes.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** Sends {@code {"error": line}} with {@code status}; line breaks become spaces. */
  static void error(HttpServerExchange exchange, int status, String line) {
    send(exchange, status, Map.of("error", oneLine(line)));
  }

  static String oneLine(String s) {
    return s.replace('\r', ' ').replace('\n', ' ');
  }
}
