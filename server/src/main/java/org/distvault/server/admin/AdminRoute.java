package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import java.util.Objects;

/**
 * One admin API route: method, path (exact, or a prefix ending in {@code /} for routes whose last
 * segment is a parameter), the largest request body it accepts, and its handler.
 *
 * @param path e.g. {@code /api/v1/mode}, or {@code /api/v1/blobs/sha512/} with {@code prefix}
 * @param prefix whether {@code path} is a prefix followed by one more segment
 * @param maxBody request body limit in bytes, set on the exchange before the handler runs
 */
public record AdminRoute(String method, String path, boolean prefix, long maxBody, HttpHandler handler) {
  public AdminRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith(AdminRoutes.PREFIX)) {
      throw new IllegalArgumentException("admin route outside " + AdminRoutes.PREFIX + ": " + path);
    }
    if (prefix != path.endsWith("/")) {
      throw new IllegalArgumentException("a prefix route ends with '/', an exact one does not: " + path);
    }
    if (maxBody < 0) {
      throw new IllegalArgumentException("negative body limit for " + path);
    }
  }

  /** A route with an exact path. */
  public static AdminRoute exact(String method, String path, long maxBody, HttpHandler handler) {
    return new AdminRoute(method, path, false, maxBody, handler);
  }

  /** Whether this route's path matches the raw request path. */
  boolean matches(String rawPath) {
    if (!prefix) {
      return rawPath.equals(path);
    }
    return rawPath.startsWith(path) && rawPath.length() > path.length()
        && rawPath.indexOf('/', path.length()) < 0;
  }

  /** A request path that this route matches, for listings and tests ({@code <hex>} filled in). */
  public String examplePath() {
    return prefix ? path + "0".repeat(128) : path;
  }
}
