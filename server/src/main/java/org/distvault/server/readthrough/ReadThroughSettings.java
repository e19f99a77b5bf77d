package org.distvault.server.readthrough;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of online read-through.
 *
 * @param maxConcurrent upstream downloads running at once, over all hosts
 * @param maxQueued downloads waiting for a free slot; more are refused at once
 * @param waitTimeout how long a request waits for its download before it gives up (the download
 *     goes on and is stored for the next request)
 * @param maxFetchTime how long one download may run in total before it is stopped (the fetcher's
 *     own connect and idle timeouts catch a silent host much sooner)
 */
public record ReadThroughSettings(
    int maxConcurrent, int maxQueued, Duration waitTimeout, Duration maxFetchTime) {

  public ReadThroughSettings {
    if (maxConcurrent < 1 || maxQueued < 0) {
      throw new IllegalArgumentException(
          "maxConcurrent must be at least 1 and maxQueued not negative, got " + maxConcurrent
              + " and " + maxQueued);
    }
    Objects.requireNonNull(waitTimeout, "waitTimeout");
    Objects.requireNonNull(maxFetchTime, "maxFetchTime");
    if (waitTimeout.isNegative() || waitTimeout.isZero() || maxFetchTime.isNegative()
        || maxFetchTime.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** 4 downloads at once, 256 waiting; a request waits up to 5 minutes, a download runs 1 hour. */
  public static ReadThroughSettings defaults() {
    return new ReadThroughSettings(4, 256, Duration.ofMinutes(5), Duration.ofHours(1));
  }

  public ReadThroughSettings withMaxConcurrent(int n) {
    return new ReadThroughSettings(n, maxQueued, waitTimeout, maxFetchTime);
  }

  public ReadThroughSettings withTimeouts(Duration wait, Duration fetch) {
    return new ReadThroughSettings(maxConcurrent, maxQueued, wait, fetch);
  }
}
