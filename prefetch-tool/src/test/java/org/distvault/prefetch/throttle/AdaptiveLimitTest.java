package org.distvault.prefetch.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
  private static final long SEC = 1_000_000_000L;

  @Test
  void growsWhileAggregateThroughputGrowsThenHolds() {
    AdaptiveLimit l = new AdaptiveLimit(1, 4, 0);
    l.bytes(10_000_000);
    l.success(1 * SEC); // 10 MB/s at 1: first measurement, grow
    assertEquals(2, l.limit());
    l.bytes(20_000_000);
    l.success(1 * SEC + SEC / 2);
    assertEquals(2, l.limit(), "a round at limit 2 needs two completions");
    l.success(2 * SEC); // 20 MB/s at 2: +100 %, grow
    assertEquals(3, l.limit());
    l.bytes(21_000_000);
    l.success(2 * SEC + SEC / 3);
    l.success(2 * SEC + SEC / 2);
    l.success(3 * SEC); // 21 MB/s at 3: +5 %, not worth it: plateau
    assertEquals(3, l.limit());
    l.bytes(100_000_000);
    for (int i = 0; i < 6; i++) {
      l.success(4 * SEC);
    }
    assertEquals(3, l.limit(), "after a plateau only trouble resets the probing");
  }

  @Test
  void troubleHalvesNotBelowOneAndProbingRestarts() {
    AdaptiveLimit l = new AdaptiveLimit(4, 4, 0);
    l.trouble(1);
    assertEquals(2, l.limit());
    l.trouble(2);
    assertEquals(1, l.limit());
    l.trouble(3);
    assertEquals(1, l.limit());
    l.bytes(1000);
    l.success(SEC);
    assertEquals(2, l.limit());
  }

  @Test
  void neverExceedsMax() {
    AdaptiveLimit l = new AdaptiveLimit(1, 2, 0);
    for (int i = 1; i <= 20; i++) {
      l.bytes(1_000_000L * i * i);
      l.success(i * SEC);
    }
    assertEquals(2, l.limit());
  }

  @Test
  void aRoundOfSmallQuickFilesLastsSixteenCompletionsOrAQuarterSecond() {
    long ms = 1_000_000L;
    AdaptiveLimit l = new AdaptiveLimit(1, 8, 0);
    for (int i = 1; i < AdaptiveLimit.MIN_ROUND_SUCCESSES; i++) {
      l.bytes(4096);
      l.success(i * ms);
      assertEquals(1, l.limit(), "after " + i + " completions in " + i + " ms");
    }
    l.bytes(4096);
    l.success(16 * ms); // 16 completions: 4 MB/s, first measurement, grow
    assertEquals(2, l.limit());

    // At limit 2, a slower trickle: the round ends after a quarter second instead.
    l.bytes(3 * 1_000_000);
    l.success(100 * ms);
    l.success(200 * ms);
    assertEquals(2, l.limit(), "two completions in 184 ms are not a round yet");
    l.success(266 * ms); // 3 MB in 250 ms: 12 MB/s, +200 %, grow
    assertEquals(3, l.limit());
  }

  @Test
  void aNoisyShortRoundDoesNotStopTheGrowth() {
    long ms = 1_000_000L;
    AdaptiveLimit l = new AdaptiveLimit(1, 4, 0);
    l.bytes(16 * 16_384);
    for (int i = 1; i <= 16; i++) {
      l.success(i * ms); // 16 KiB files, 1 ms each
    }
    assertEquals(2, l.limit());
    // Two tiny files at limit 2 would have read as a 90 % drop and ended the probing for good.
    l.bytes(2 * 1024);
    l.success(17 * ms);
    l.success(18 * ms);
    assertEquals(2, l.limit());
    l.bytes(30 * 16_384);
    for (int i = 19; i <= 32; i++) {
      l.success(i * ms / 2 + 9 * ms);
    }
    assertEquals(3, l.limit(), "the whole round at 2 is measured: twice the rate");
  }

  @Test
  void badBoundsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLimit(3, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveLimit(0, 2, 0));
  }
}
