package org.distvault.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The free-space condition against the real file system of a temporary directory. */
class FreeSpaceTest {
  @TempDir Path dir;

  @Test
  void aThresholdAboveTheFreeSpaceRaisesAndZeroClears() throws IOException {
    Health health = new Health();
    FreeSpace unreachable = FreeSpace.of(dir, OptionalLong.of(Long.MAX_VALUE), health);
    long free = unreachable.check();
    assertTrue(free > 0, "some space is free in " + dir);
    assertTrue(health.holds(Condition.LOW_SPACE));
    assertTrue(health.reasons().get(Condition.LOW_SPACE).contains("below the threshold of " + Long.MAX_VALUE),
        health.reasons().toString());

    FreeSpace.of(dir, OptionalLong.of(0), health).check();
    assertFalse(health.holds(Condition.LOW_SPACE));
  }

  @Test
  void theDefaultIsOneGibibyteOrFivePercentOfASmallFileSystem() {
    assertEquals(1L << 30, FreeSpace.defaultThreshold(1L << 40));
    assertEquals(5L << 20, FreeSpace.defaultThreshold(100L << 20));
    assertEquals(0, FreeSpace.defaultThreshold(0));
  }

  @Test
  void aNegativeThresholdIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> FreeSpace.of(dir, OptionalLong.of(-1), new Health()));
  }
}
