package org.distvault.prefetch.run;

import java.nio.file.Path;
import java.util.Objects;
import org.distvault.prefetch.throttle.ThrottleSettings;

/**
 * How a prefetch run behaves.
 *
 * @param workDir holds the spool ({@code WORK/spool/}) and the run lock; emptied of leftovers at start
 * @param throttle global and per-host limits, backoff, Retry-After cap
 * @param retriesPerUrl how often a URL is retried after transient host trouble before the next URL
 * @param outcomeBatch how many finished outcomes are sent to the sink together
 */
public record PrefetchConfig(Path workDir, ThrottleSettings throttle, int retriesPerUrl, int outcomeBatch) {

  public PrefetchConfig {
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(throttle, "throttle");
    if (retriesPerUrl < 0 || outcomeBatch < 1) {
      throw new IllegalArgumentException("retriesPerUrl >= 0 and outcomeBatch >= 1 required");
    }
  }

  /** Default limits (--jobs 8, --per-host 2), 2 retries per URL, outcomes sent 100 at a time. */
  public static PrefetchConfig defaults(Path workDir) {
    return new PrefetchConfig(workDir, ThrottleSettings.defaults(), 2, 100);
  }

  public PrefetchConfig withThrottle(ThrottleSettings t) {
    return new PrefetchConfig(workDir, t, retriesPerUrl, outcomeBatch);
  }

  public PrefetchConfig withRetriesPerUrl(int n) {
    return new PrefetchConfig(workDir, throttle, n, outcomeBatch);
  }
}
