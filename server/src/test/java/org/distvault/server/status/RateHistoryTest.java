package org.distvault.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.server.http.RouteKind;
import org.distvault.server.violation.ViolationKind;
import org.junit.jupiter.api.Test;

class RateHistoryTest {
  static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  /** A clock the test moves. */
  final AtomicLong millis = new AtomicLong(T0.toEpochMilli());
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  };
  final RateHistory history = new RateHistory(clock);

  @Test
  void servingStatusesCountAsHitsOrMissesAndOthersNot() {
    history.completed(RouteKind.DISTFILES, 200, 10, 1);
    history.completed(RouteKind.PKG, 206, 10, 1);
    history.completed(RouteKind.BY_HASH, 304, 0, 1);
    history.completed(RouteKind.DISTFILES, 404, 0, 1);
    history.completed(RouteKind.DISTFILES, 416, 0, 1);
    history.completed(RouteKind.ADMIN, 200, 0, 1);
    history.completed(RouteKind.OTHER, 404, 0, 1);
    history.violation(ViolationKind.UNKNOWN);
    RateHistory.Bucket now = history.lastHour().get(RateHistory.MINUTES - 1);
    assertEquals(new RateHistory.Bucket(T0, 3, 1, 1), now);
  }

  @Test
  void anEmptyHistoryIsSixtyZeroMinutesEndingNow() {
    millis.addAndGet(30_000);
    List<RateHistory.Bucket> hour = history.lastHour();
    assertEquals(60, hour.size());
    assertEquals(new RateHistory.Bucket(T0.minusSeconds(59 * 60), 0, 0, 0), hour.get(0));
    assertEquals(new RateHistory.Bucket(T0, 0, 0, 0), hour.get(59));
  }

  @Test
  void eachMinuteHasItsBucketAndAnHourLaterItIsReused() {
    history.completed(RouteKind.DISTFILES, 200, 1, 1);
    millis.addAndGet(60_000);
    history.completed(RouteKind.DISTFILES, 404, 1, 1);
    history.completed(RouteKind.DISTFILES, 404, 1, 1);
    List<RateHistory.Bucket> hour = history.lastHour();
    assertEquals(new RateHistory.Bucket(T0, 1, 0, 0), hour.get(58));
    assertEquals(new RateHistory.Bucket(T0.plusSeconds(60), 0, 2, 0), hour.get(59));

    // 60 minutes after T0 the first bucket's slot counts the new minute, starting from zero.
    millis.set(T0.plusSeconds(3600).toEpochMilli());
    history.violation(ViolationKind.NOT_PREFETCHED);
    hour = history.lastHour();
    assertEquals(new RateHistory.Bucket(T0.plusSeconds(60), 0, 2, 0), hour.get(0));
    assertEquals(new RateHistory.Bucket(T0.plusSeconds(3600), 0, 0, 1), hour.get(59));
    assertEquals(3, hour.stream().mapToLong(b -> b.hits() + b.misses() + b.violations()).sum(),
        "T0's hit is an hour old and gone");
  }
}
