package org.distvault.prefetch.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void secondsAreAddedToNow() {
    assertEquals(Optional.of(NOW.plusSeconds(120)), RetryAfter.parse(" 120 ", NOW));
    assertEquals(Optional.of(NOW), RetryAfter.parse("0", NOW));
  }

  @Test
  void httpDateIsAbsolute() {
    assertEquals(Optional.of(Instant.parse("2026-11-22T10:05:00Z")),
        RetryAfter.parse("Sun, 22 Nov 2026 10:05:00 GMT", NOW));
  }

  @Test
  void garbageAndAbsenceGiveEmpty() {
    assertEquals(Optional.empty(), RetryAfter.parse(null, NOW));
    assertEquals(Optional.empty(), RetryAfter.parse("", NOW));
    assertEquals(Optional.empty(), RetryAfter.parse("soon", NOW));
    assertEquals(Optional.empty(), RetryAfter.parse("-5", NOW));
  }

  @Test
  void absurdlyLargeSecondsMeanFarFuture() {
    assertEquals(Optional.of(Instant.MAX), RetryAfter.parse("99999999999999999999999", NOW));
  }
}
