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

  /** Classifies a raw request path by its first segment (the second under {@code /run/<id>/}). */
  public static RouteKind of(String rawPath) {
    String[] s = rawPath.split("/", 5);
    if (s.length < 2) {
      return OTHER;
    }
    String first = s[1];
    if (first.equals("run") && s.length > 3) {
      first = s[3];
      if (!first.equals("distfiles") && !first.equals("pkg")) {
        return OTHER;
      }
    }
    return switch (first) {
      case "distfiles" -> DISTFILES;
      case "pkg" -> PKG;
      case "by-hash" -> BY_HASH;
      case "api" -> ADMIN;
      case "metrics" -> s.length == 2 ? METRICS : OTHER;
      case "healthz" -> s.length == 2 ? HEALTH : OTHER;
      default -> OTHER;
    };
  }
}
