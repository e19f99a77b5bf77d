package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Objects;

/**
 * One admin API route: method, path (exact, or a prefix ending in {@code /} for routes whose last
 * segment is a parameter, or a template with one {@value #SET_PARAM} segment anywhere), the largest
 * request body it accepts, and its handler.
 *
 * <p>A template's {@value #SET_PARAM} matches one non-empty path segment, raw (not decoded: a
 * valid set name needs no escaping, so an escaped one is invalid anyway); {@link AdminRoutes}
 * attaches it to the exchange as {@link #SET} before the handler runs, which validates it.
 *
 * @param path e.g. {@code /api/v1/mode}, {@code /api/v1/blobs/sha512/} with {@code prefix}, or
 *     {@code /api/v1/sets/{set}/state}
 * @param prefix whether {@code path} is a prefix followed by one more segment
 * @param maxBody request body limit in bytes, set on the exchange before the handler runs
 */
public record AdminRoute(String method, String path, boolean prefix, long maxBody, HttpHandler handler) {
  /** The template segment that stands for a set name. */
  public static final String SET_PARAM = "{set}";

  /** The raw {@value #SET_PARAM} segment of the request path, for the handler of a template route. */
  public static final AttachmentKey<String> SET = AttachmentKey.create(String.class);

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
    if (prefix && path.contains(SET_PARAM)) {
      throw new IllegalArgumentException("a prefix route has no " + SET_PARAM + " segment: " + path);
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
    if (path.contains(SET_PARAM)) {
      return setSegment(rawPath) != null;
    }
    if (!prefix) {
      return rawPath.equals(path);
    }
    return rawPath.startsWith(path) && rawPath.length() > path.length()
        && rawPath.indexOf('/', path.length()) < 0;
  }

  /** Attaches the {@value #SET_PARAM} segment of a template route's request path as {@link #SET}. */
  void attach(HttpServerExchange exchange, String rawPath) {
    String set = path.contains(SET_PARAM) ? setSegment(rawPath) : null;
    if (set != null) {
      exchange.putAttachment(SET, set);
    }
  }

  /** The segment of {@code rawPath} where the template has {@value #SET_PARAM}, or null if it does not match. */
  private String setSegment(String rawPath) {
    int at = path.indexOf(SET_PARAM);
    String before = path.substring(0, at);
    String after = path.substring(at + SET_PARAM.length());
    if (!rawPath.startsWith(before) || !rawPath.endsWith(after)
        || rawPath.length() <= before.length() + after.length()) {
      return null;
    }
    String segment = rawPath.substring(before.length(), rawPath.length() - after.length());
    return segment.indexOf('/') < 0 ? segment : null;
  }

  /** A request path that this route matches, for listings and tests ({@code <hex>} and sets filled in). */
  public String examplePath() {
    return prefix ? path + "0".repeat(128) : path.replace(SET_PARAM, "default");
  }
}
