package org.distvault.server.http;

import java.util.Locale;

/**
 * Which family of routes a request path belongs to: a bounded set, fit for a metrics label.
 */
public enum RouteKind {
  /** {@code /distfiles/...}, also under {@code /run/<id>/}. */
  DISTFILES,
  /** {@code /pkg/<cat>/<pkg>/...}, also under {@code /run/<id>/}. */
  PKG,
  /** {@code /by-hash/<alg>/<hex>}. */
  BY_HASH,
  /** {@code /api/...}. */
  ADMIN,
  /** {@code /metrics}. */
  METRICS,
  /** {@code /healthz}. */
  HEALTH,
  /** Anything else (typos, scanners). */
  OTHER;

  /** The label value: the lower-case constant name ({@code by_hash}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this route serves blobs (a 200 there is a hit, a 404 a miss). */
  public boolean serving() {
    return this == DISTFILES || this == PKG || this == BY_HASH;
  }

  /**
   * Classifies a raw request path by its first segment (the second under {@code /run/<id>/}).
   * Runs for every request, so it compares regions instead of splitting the path.
   */
  public static RouteKind of(String rawPath) {
    int slash = rawPath.indexOf('/');
    if (slash < 0) {
      return OTHER;
    }
    int from = slash + 1;
    int to = segmentEnd(rawPath, from);
    if (is(rawPath, from, to, "run")) {
      int idEnd = to < rawPath.length() ? segmentEnd(rawPath, to + 1) : -1;
      if (idEnd < 0 || idEnd == rawPath.length()) {
        return OTHER;
      }
      from = idEnd + 1;
      to = segmentEnd(rawPath, from);
      if (is(rawPath, from, to, "distfiles")) {
        return DISTFILES;
      }
      return is(rawPath, from, to, "pkg") ? PKG : OTHER;
    }
    boolean last = to == rawPath.length();
    if (is(rawPath, from, to, "distfiles")) {
      return DISTFILES;
    } else if (is(rawPath, from, to, "pkg")) {
      return PKG;
    } else if (is(rawPath, from, to, "by-hash")) {
      return BY_HASH;
    } else if (is(rawPath, from, to, "api")) {
      return ADMIN;
    } else if (is(rawPath, from, to, "metrics")) {
      return last ? METRICS : OTHER;
    } else if (is(rawPath, from, to, "healthz")) {
      return last ? HEALTH : OTHER;
    }
    return OTHER;
  }

  /** Where the segment starting at {@code from} ends: the next slash, or the end of the path. */
  private static int segmentEnd(String path, int from) {
    int slash = path.indexOf('/', from);
    return slash < 0 ? path.length() : slash;
  }

  private static boolean is(String path, int from, int to, String segment) {
    return to - from == segment.length() && path.startsWith(segment, from);
  }
}
