package org.distvault.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * JSON in and out for the admin routes, written once: every reply is one line of JSON (UTF-8,
 * newline terminated), errors have the shape {@code {"error":"<one line>"}}, and a small request
 * body is read as one JSON object.
 */
public final class JsonReply {
  /** The body limit of the small admin routes. */
  public static final long SMALL_BODY = 64 * 1024;

  public static final ObjectMapper JSON = new ObjectMapper();

  private JsonReply() {}

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Sends {@code status} with {@code body} (a JSON node, or maps, lists, strings and numbers); does not block. */
  public static void send(HttpServerExchange exchange, int status, Object body) {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // Only plain values are sent; failing to write one is a bug, not a client error.
      throw new IllegalStateException("cannot write a JSON reply: " + e.getOriginalMessage(), e);
    }
    ByteBuffer bytes = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.setResponseContentLength(bytes.remaining());
    exchange.getResponseSender().send(bytes);
  }

  /** Sends {@code {"error": line}} with {@code status}; line breaks become spaces. */
  public static void error(HttpServerExchange exchange, int status, String line) {
    send(exchange, status, Map.of("error", oneLine(line)));
  }

  public static String oneLine(String s) {
    return s.replace('\r', ' ').replace('\n', ' ');
  }

  /**
   * Reads a request body that must be one JSON object.
   *
   * @throws ApiException 400 naming what is wrong with it
   * @throws IOException when the body cannot be read (see {@link JsonEndpoint#readFailure})
   */
  public static ObjectNode readObject(InputStream body) throws IOException, ApiException {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("request body is not JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode o)) {
      throw ApiException.badRequest("request body must be a JSON object");
    }
    return o;
  }
}
