package org.distvault.server.status;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Objects;
import org.distvault.server.admin.BearerAuth;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.http.DistfileRoutes;
import org.distvault.server.http.OneLineReply;
import org.distvault.storage.name.SetName;

/**
 * {@code GET /} and {@code /status} (the HTML page) and {@code GET /status.json}, with {@code
 * ?set=NAME} choosing the set of the per-package report (default: the default set). What it
 * answers depends on the {@link StatusAccess}: 404 when off; with the admin token only when admin;
 * to anyone when public, adding the client addresses for a request with the admin token.
 * Thread-safe.
 */
public final class StatusHandler implements HttpHandler {
  /** Forbids script, frames and every external load: the page needs none. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; "
          + "frame-ancestors 'none'";

  private final StatusCollector collector;
  private final BearerAuth auth;
  private final HttpHandler entry;

  /** @param adminToken the admin token (for {@link StatusAccess#ADMIN} and the per-client detail) */
  public StatusHandler(StatusCollector collector, StatusAccess access, String adminToken) {
    this.collector = Objects.requireNonNull(collector, "collector");
    this.auth = new BearerAuth(adminToken, this::answer);
    this.entry = switch (access) {
      case OFF -> DistfileRoutes.NO_SUCH_ROUTE;
      case PUBLIC -> this::answer;
      case ADMIN -> auth;
    };
  }

  /** Whether {@code path} (the request path, without the query) is one of the status routes. */
  public static boolean covers(String path) {
    return path.equals("/") || path.equals("/status") || path.equals("/status.json");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private void answer(HttpServerExchange exchange) {
    HttpString method = exchange.getRequestMethod();
    if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      OneLineReply.send(exchange, StatusCodes.METHOD_NOT_ALLOWED, method + " not allowed: use GET or HEAD");
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(this::answer);
      return;
    }
    Deque<String> given = exchange.getQueryParameters().get("set");
    String raw = given == null || given.isEmpty() ? "" : given.getFirst();
    SetName set = SetName.DEFAULT;
    if (!raw.isEmpty()) {
      String problem = SetName.problem(raw);
      if (problem != null) {
        OneLineReply.send(exchange, StatusCodes.BAD_REQUEST, "query parameter 'set' is not a set name: " + problem);
        return;
      }
      set = SetName.of(raw);
    }
    StatusSnapshot snapshot = collector.collect(set, auth.carriesToken(exchange));
    // Counts change by the second and the admin's page names clients: no cache may keep it.
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    if (exchange.getRequestPath().endsWith(".json")) {
      JsonReply.send(exchange, StatusCodes.OK, StatusJson.of(snapshot));
      return;
    }
    byte[] html = StatusHtml.of(snapshot).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    exchange.setResponseContentLength(html.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(html));
  }
}
