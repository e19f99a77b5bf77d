package org.distvault.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * JSON in and out for the admin routes: replies with a JSON body (one line, UTF-8, newline
 * terminated), the error shape {@code {"error":"<one line>"}}, and bounded request bodies.
 */
public final class JsonExchange {
  /** The body limit of the small admin routes. */
  public static final long SMALL_BODY = 64 * 1024;

  static final ObjectMapper JSON = new ObjectMapper();

  private JsonExchange() {}

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Sends {@code body} with {@code status}; does not block. */
  public static void send(HttpServerExchange exchange, int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a JSON reply", e);
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.setResponseContentLength(bytes.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** Sends {@code {"error":"<why>"}} with {@code status}; line breaks in {@code why} become spaces. */
  public static void error(HttpServerExchange exchange, int status, String why) {
    send(exchange, status, object().put("error", why.replace('\r', ' ').replace('\n', ' ')));
  }

  /**
   * Reads the request body as one JSON object, at most {@code limit} bytes. Must run on a worker
   * thread (it blocks).
   *
   * @return the object, or empty when an error reply (400 or 413) has been sent
   */
  public static Optional<ObjectNode> readObject(HttpServerExchange exchange, long limit) throws IOException {
    exchange.setMaxEntitySize(limit);
    exchange.startBlocking();
    byte[] body;
    try (InputStream in = exchange.getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    } catch (RequestTooBigException e) {
      error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "request body larger than " + limit + " bytes");
      return Optional.empty();
    }
    if (body.length > limit) {
      error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "request body larger than " + limit + " bytes");
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      error(exchange, StatusCodes.BAD_REQUEST, "request body is not JSON: " + firstLine(e.getMessage()));
      return Optional.empty();
    }
    if (!(node instanceof ObjectNode o)) {
      error(exchange, StatusCodes.BAD_REQUEST, "request body must be a JSON object");
      return Optional.empty();
    }
    return Optional.of(o);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
