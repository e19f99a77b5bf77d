package org.distvault.prefetch.throttle;

/**
 * The concurrency limit of one host, adapted AIMD-style to what the host delivers.
 *
 * <p>Additive increase: after a full round of completions at the current limit (as many
 * successes as the limit, and at least {@link #MIN_ROUND_NANOS} or {@link #MIN_ROUND_SUCCESSES}
 * successes), the host's aggregate throughput over that round is compared with the previous
 * level's; the limit grows by one while throughput keeps rising by at least {@link
 * #GROWTH}, and stops growing once it does not. Multiplicative decrease: trouble (timeouts,
 * resets, 429/503, 5xx) halves the limit and forgets the measurements, so growth is probed anew.
 *
 * <p>Pure bookkeeping: times are passed in (nanoseconds from any fixed origin). Not thread-safe;
 * the scheduler calls it under its lock.
 */
public final class AdaptiveLimit {
  /** Throughput must rise by 10 % for another connection to be worth it. */
  static final double GROWTH = 1.10;

  /**
   * A round also lasts at least this long, or {@link #MIN_ROUND_SUCCESSES} completions: one or
   * two completions of small files measure latency noise, not throughput, and a noisy round could
   * stop the growth for good.
   */
  static final long MIN_ROUND_NANOS = 250_000_000L;

  /** Completions that end a round before {@link #MIN_ROUND_NANOS} (files of a fast host). */
  static final int MIN_ROUND_SUCCESSES = 16;

  private final int max;
  private int limit;
  private long windowStart;
  private long windowBytes;
  private int windowSuccesses;
  private double previousRate = -1;
  private boolean plateau;

  public AdaptiveLimit(int initial, int max, long nowNanos) {
    if (max < 1 || initial < 1 || initial > max) {
      throw new IllegalArgumentException("need 1 <= initial (" + initial + ") <= max (" + max + ")");
    }
    this.max = max;
    this.limit = initial;
    this.windowStart = nowNanos;
  }

  public int limit() {
    return limit;
  }

  /** Counts bytes received from the host. */
  public void bytes(long n) {
    windowBytes += n;
  }

  /** A transfer from the host completed. */
  public void success(long nowNanos) {
    windowSuccesses++;
    if (limit >= max || plateau || windowSuccesses < limit) {
      return;
    }
    long elapsed = nowNanos - windowStart;
    if (elapsed <= 0 || (elapsed < MIN_ROUND_NANOS && windowSuccesses < MIN_ROUND_SUCCESSES)) {
      return;
    }
    double rate = windowBytes * 1e9 / elapsed;
    if (previousRate < 0 || rate >= previousRate * GROWTH) {
      previousRate = rate;
      limit++;
    } else {
      plateau = true;
    }
    resetWindow(nowNanos);
  }

  /** The host is in trouble: halve the limit (not below one) and measure afresh. */
  public void trouble(long nowNanos) {
    limit = Math.max(1, limit / 2);
    previousRate = -1;
    plateau = false;
    resetWindow(nowNanos);
  }

  private void resetWindow(long nowNanos) {
    windowStart = nowNanos;
    windowBytes = 0;
    windowSuccesses = 0;
  }
}
