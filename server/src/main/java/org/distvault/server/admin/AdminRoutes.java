package org.distvault.server.admin;

import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's route table ({@code /api/v1/...}): dispatches on path and method. An unknown path
 * gets 404, a known path with another method 405 with {@code Allow}, both as JSON errors. Before a
 * handler runs, the request body limit of its route is set. Authentication wraps this handler
 * ({@link BearerAuth}), so even the 404 needs the token.
 */
public final class AdminRoutes implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

  /** Every admin path starts with this. */
  public static final String PREFIX = "/api/v1/";

  private final List<AdminRoute> routes;

  public AdminRoutes(List<AdminRoute> routes) {
    this.routes = List.copyOf(routes);
    for (int i = 0; i < this.routes.size(); i++) {
      for (int j = i + 1; j < this.routes.size(); j++) {
        AdminRoute a = this.routes.get(i);
        AdminRoute b = this.routes.get(j);
        if (a.method().equals(b.method()) && a.path().equals(b.path())) {
          throw new IllegalArgumentException("two routes for " + a.method() + " " + a.path());
        }
      }
    }
  }

  /** The routes, in the order given. */
  public List<AdminRoute> routes() {
    return routes;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.addDefaultResponseListener(AdminRoutes::jsonErrorBody);
    String path = exchange.getRequestURI();
    List<AdminRoute> onPath = routes.stream().filter(r -> r.matches(path)).toList();
    if (onPath.isEmpty()) {
      JsonReply.error(exchange, StatusCodes.NOT_FOUND, "no such admin route: " + path);
      return;
    }
    String method = exchange.getRequestMethod().toString();
    for (AdminRoute r : onPath) {
      if (r.method().equals(method)) {
        exchange.setMaxEntitySize(r.maxBody());
        r.attach(exchange, path);
        r.handler().handleRequest(exchange);
        return;
      }
    }
    String allow = onPath.stream().map(AdminRoute::method).collect(Collectors.joining(", "));
    exchange.getResponseHeaders().put(Headers.ALLOW, allow);
    JsonReply.error(exchange, StatusCodes.METHOD_NOT_ALLOWED, method + " not allowed on " + path + ": use " + allow);
  }

  /**
   * Gives an error that ends an exchange without a body (a handler threw; Undertow set 500) the
   * JSON error shape.
   */
  private static boolean jsonErrorBody(HttpServerExchange exchange) {
    if (!exchange.isResponseChannelAvailable() || exchange.getStatusCode() < 400) {
      return false;
    }
    Throwable t = exchange.getAttachment(DefaultResponseListener.EXCEPTION);
    log.error("admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), t);
    String why = t == null ? "request failed" : "internal error: " + t.getMessage();
    JsonReply.error(exchange, exchange.getStatusCode(), why + " (see the server log)");
    return true;
  }

  /** Whether {@code rawPath} belongs to the admin API's space ({@code /api} and below). */
  public static boolean covers(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath");
    return rawPath.equals("/api") || rawPath.startsWith("/api/");
  }
}
