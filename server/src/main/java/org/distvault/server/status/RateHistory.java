package org.distvault.server.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import org.distvault.server.http.RequestObserver;
import org.distvault.server.http.RouteKind;
import org.distvault.server.violation.ViolationKind;

/**
 * Hits, misses and violations per minute over the last hour: a ring of {@value #MINUTES}
 * one-minute buckets, fed by the request observer and the violation recorder's listener, kept in
 * memory only (a restart starts an empty hour; Prometheus keeps the long history).
 *
 * <p>Thread-safe and lock-free on the request path: a bucket is cleared under a lock only when a
 * new minute first reaches it. A count landing in the instant a bucket is recycled may be lost,
 * which a chart of rates can afford.
 */
public final class RateHistory implements RequestObserver {
  /** Buckets kept: one hour of minutes. */
  public static final int MINUTES = 60;

  private static final int HIT = 0;
  private static final int MISS = 1;
  private static final int VIOLATION = 2;
  private static final int KINDS = 3;
  private static final long MINUTE_MILLIS = 60_000;

  /**
   * One minute's counts.
   *
   * @param start the start of the minute
   */
  public record Bucket(Instant start, long hits, long misses, long violations) {}

  private final Clock clock;
  /** The minute (since the epoch) each slot counts; slots of other minutes read as zero. */
  private final AtomicLongArray minutes = new AtomicLongArray(MINUTES);
  private final AtomicLongArray counts = new AtomicLongArray(MINUTES * KINDS);

  public RateHistory(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    for (int i = 0; i < MINUTES; i++) {
      minutes.set(i, Long.MIN_VALUE);
    }
  }

  /** Counts a hit (200, 206, 304) or a miss (404) of a serving route; other requests are not rates. */
  @Override
  public void completed(RouteKind route, int status, long blobBytes, long nanos) {
    if (!route.serving()) {
      return;
    }
    if (status == 404) {
      add(MISS);
    } else if (status == 200 || status == 206 || status == 304) {
      add(HIT);
    }
  }

  /** Counts a recorded violation (the recorder's listener). */
  public void violation(ViolationKind kind) {
    add(VIOLATION);
  }

  /** The last {@value #MINUTES} minutes, oldest first, the current (partial) minute last. */
  public List<Bucket> lastHour() {
    long now = minute();
    List<Bucket> out = new ArrayList<>(MINUTES);
    for (long m = now - MINUTES + 1; m <= now; m++) {
      int slot = slot(m);
      Instant start = Instant.ofEpochMilli(m * MINUTE_MILLIS);
      if (minutes.get(slot) == m) {
        out.add(new Bucket(start, counts.get(slot * KINDS + HIT), counts.get(slot * KINDS + MISS),
            counts.get(slot * KINDS + VIOLATION)));
      } else {
        out.add(new Bucket(start, 0, 0, 0));
      }
    }
    return out;
  }

  private void add(int kind) {
    long m = minute();
    int slot = slot(m);
    if (minutes.get(slot) != m) {
      recycle(slot, m);
    }
    counts.incrementAndGet(slot * KINDS + kind);
  }

  private synchronized void recycle(int slot, long m) {
    if (minutes.get(slot) < m) {
      for (int k = 0; k < KINDS; k++) {
        counts.set(slot * KINDS + k, 0);
      }
      minutes.set(slot, m);
    }
  }

  private long minute() {
    return Math.floorDiv(clock.millis(), MINUTE_MILLIS);
  }

  private static int slot(long minute) {
    return (int) Math.floorMod(minute, (long) MINUTES);
  }
}
