package org.distvault.prefetch.fetch;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for every fetch.
 *
 * @param connectTimeout how long to wait for a TCP (and TLS) connection
 * @param idleTimeout how long the host may send nothing before the fetch fails
 * @param maxRedirects how many HTTP redirects to follow before giving up
 * @param maxUnknownSize the most bytes accepted when the expected size is unknown
 * @param userAgent the User-Agent sent to HTTP upstreams
 */
public record FetchSettings(
    Duration connectTimeout, Duration idleTimeout, int maxRedirects, long maxUnknownSize, String userAgent) {

  /** 16 GiB: the contract's largest blob. */
  public static final long DEFAULT_MAX_UNKNOWN_SIZE = 16L << 30;

  public FetchSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(userAgent, "userAgent");
    if (connectTimeout.isNegative() || connectTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (maxRedirects < 0 || maxUnknownSize < 0) {
      throw new IllegalArgumentException("maxRedirects and maxUnknownSize must not be negative");
    }
  }

  /** 10 s connect, 30 s idle, 10 redirects, 16 GiB for files of unknown size. */
  public static FetchSettings defaults() {
    return new FetchSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), 10, DEFAULT_MAX_UNKNOWN_SIZE,
        "distvault-prefetch/0.1");
  }

  public FetchSettings withTimeouts(Duration connect, Duration idle) {
    return new FetchSettings(connect, idle, maxRedirects, maxUnknownSize, userAgent);
  }
}
