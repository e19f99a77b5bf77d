package org.distvault.prefetch.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * The politeness knobs.
 *
 * @param jobs global limit on concurrent transfers ({@code --jobs})
 * @param perHost the most concurrent transfers from one host ({@code --per-host})
 * @param initialPerHost where each host's adaptive limit starts (1 .. perHost)
 * @param minDelay least time between two request starts to one host
 * @param backoffBase first wait after trouble without Retry-After; doubles per consecutive trouble
 * @param backoffMax the longest such wait
 * @param maxWait the longest Retry-After we wait out; a host asking for more is given up for this run
 */
public record ThrottleSettings(
    int jobs, int perHost, int initialPerHost, Duration minDelay, Duration backoffBase, Duration backoffMax,
    Duration maxWait) {

  public ThrottleSettings {
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(backoffBase, "backoffBase");
    Objects.requireNonNull(backoffMax, "backoffMax");
    Objects.requireNonNull(maxWait, "maxWait");
    if (jobs < 1 || perHost < 1 || initialPerHost < 1 || initialPerHost > perHost) {
      throw new IllegalArgumentException(
          "need jobs >= 1 and 1 <= initialPerHost <= perHost, got " + jobs + ", " + initialPerHost + ", " + perHost);
    }
  }

  /** --jobs 8, --per-host 2 starting at 1, no delay, backoff 1 s doubling to 60 s, Retry-After up to 10 min. */
  public static ThrottleSettings defaults() {
    return new ThrottleSettings(8, 2, 1, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(60),
        Duration.ofMinutes(10));
  }

  public ThrottleSettings withJobs(int jobs, int perHost) {
    return new ThrottleSettings(jobs, perHost, Math.min(initialPerHost, perHost), minDelay, backoffBase, backoffMax,
        maxWait);
  }

  public ThrottleSettings withMinDelay(Duration d) {
    return new ThrottleSettings(jobs, perHost, initialPerHost, d, backoffBase, backoffMax, maxWait);
  }

  public ThrottleSettings withBackoff(Duration base, Duration max, Duration maxWait) {
    return new ThrottleSettings(jobs, perHost, initialPerHost, minDelay, base, max, maxWait);
  }

  public ThrottleSettings withInitialPerHost(int initial) {
    return new ThrottleSettings(jobs, perHost, initial, minDelay, backoffBase, backoffMax, maxWait);
  }
}
