package org.distvault.prefetch.source;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link PkgsrcScanner} runs bmake.
 *
 * @param bmake the bmake command: a path, or a name looked up in {@code PATH}
 * @param jobs how many bmake processes run at once (at least 1)
 * @param timeout how long one bmake run may take before it is killed with its children
 * @param environment variables added to bmake's inherited environment, e.g. {@code MAKECONF}
 *     naming the build hosts' mk.conf, so the scan sees what the bulk build will see
 */
public record ScanOptions(String bmake, int jobs, Duration timeout, Map<String, String> environment) {

  /** Default time limit for one bmake run; real pkgsrc packages answer in a few seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public ScanOptions {
    Objects.requireNonNull(bmake, "bmake");
    Objects.requireNonNull(timeout, "timeout");
    if (bmake.isBlank()) {
      throw new IllegalArgumentException("the bmake command is empty");
    }
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the bmake timeout must be positive, got " + timeout);
    }
    environment = Map.copyOf(environment);
  }

  /** {@code bmake} from PATH, one job per CPU, {@link #DEFAULT_TIMEOUT}, no extra environment. */
  public static ScanOptions defaults() {
    return new ScanOptions("bmake", Runtime.getRuntime().availableProcessors(), DEFAULT_TIMEOUT, Map.of());
  }

  public ScanOptions withBmake(String newBmake) {
    return new ScanOptions(newBmake, jobs, timeout, environment);
  }

  public ScanOptions withJobs(int newJobs) {
    return new ScanOptions(bmake, newJobs, timeout, environment);
  }

  public ScanOptions withTimeout(Duration newTimeout) {
    return new ScanOptions(bmake, jobs, newTimeout, environment);
  }

  public ScanOptions withEnvironment(Map<String, String> newEnvironment) {
    return new ScanOptions(bmake, jobs, timeout, newEnvironment);
  }
}
