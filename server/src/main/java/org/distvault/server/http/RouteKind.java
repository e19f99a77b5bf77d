package org.distvault.server.http;

import java.util.Locale;

/**
 * Which family of routes a request path belongs to: a bounded set, fit for a metrics label.
 */
public enum RouteKind {
  /** {@code /distfiles/...}, also under {@code /run/<id>/} and {@code /set/<set>/}. */
  DISTFILES,
  /** {@code /pkg/<cat>/<pkg>/...}, also under {@code /run/<id>/} and {@code /set/<set>/}. */
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
   * Classifies a raw request path by its first segment (the ones after {@code /set/<set>/} and
   * {@code /run/<id>/}). Runs for every request, so it compares regions instead of splitting the path.
   */
  public static RouteKind of(String rawPath) {
    int slash = rawPath.indexOf('/');
    if (slash < 0) {
      return OTHER;
    }
    int from = slash + 1;
    int to = segmentEnd(rawPath, from);
    if (is(rawPath, from, to, "set")) {
      // /set/<set>/ is followed by a distfile route or /run/<id>/, never by /by-hash/.
      int after = afterNextSegment(rawPath, to);
      return after < 0 ? OTHER : setRoute(rawPath, after);
    }
    if (is(rawPath, from, to, "run")) {
      return runRoute(rawPath, to);
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

  /** The route after {@code /set/<set>/}, whose next segment starts at {@code from}. */
  private static RouteKind setRoute(String path, int from) {
    int to = segmentEnd(path, from);
    return is(path, from, to, "run") ? runRoute(path, to) : distfileRoute(path, from, to);
  }

  /** The route after {@code /run}, which ends at {@code runEnd}: {@code /<id>/distfiles|pkg}. */
  private static RouteKind runRoute(String path, int runEnd) {
    int from = afterNextSegment(path, runEnd);
    return from < 0 ? OTHER : distfileRoute(path, from, segmentEnd(path, from));
  }

  private static RouteKind distfileRoute(String path, int from, int to) {
    if (is(path, from, to, "distfiles")) {
      return DISTFILES;
    }
    return is(path, from, to, "pkg") ? PKG : OTHER;
  }

  /**
   * Where the segment after the next one starts, for a segment ending at {@code end}: skips one
   * segment (a set name, a run id). -1 when there is none to skip, or nothing after it.
   */
  private static int afterNextSegment(String path, int end) {
    if (end >= path.length()) {
      return -1;
    }
    int skipped = segmentEnd(path, end + 1);
    return skipped == path.length() ? -1 : skipped + 1;
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
