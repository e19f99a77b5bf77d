package org.distvault.server.admin.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last scrub survives a restart; the schedule scrubs when due, counted from the last scrub. */
class ScrubScheduleTest {
  @TempDir Path data;

  @Test
  void theLastScrubIsRememberedAcrossARestart() throws IOException {
    Instant at;
    try (Vault vault = Vault.open(data)) {
      List<ScrubRunner.Last> told = new ArrayList<>();
      ScrubRunner runner = new ScrubRunner(vault, Clock.systemUTC(), told::add);
      assertEquals(Optional.empty(), runner.last());
      assertTrue(runner.runIfIdle().isPresent());
      at = runner.last().orElseThrow().at();
      assertEquals(List.of(runner.last().get()), told);
    }
    try (Vault vault = Vault.open(data)) {
      List<ScrubRunner.Last> told = new ArrayList<>();
      ScrubRunner runner = new ScrubRunner(vault, Clock.systemUTC(), told::add);
      assertEquals(at, runner.last().orElseThrow().at());
      assertEquals(1, told.size(), "the metrics learn of the remembered scrub at start");
      assertEquals(new ScrubRunner.Last(at, 0, 0, 0, 0), told.get(0));
    }
  }

  @Test
  void aScrubRunsWhenDueAndNotBefore() throws Exception {
    try (Vault vault = Vault.open(data)) {
      AtomicInteger scrubs = new AtomicInteger();
      ScrubRunner runner = new ScrubRunner(() -> {
        scrubs.incrementAndGet();
        return new ScrubReport(0, 0, List.of(), List.of(), List.of());
      }, vault, Clock.systemUTC(), last -> { });
      // Due an hour after the start: not now.
      try (ScrubSchedule hourly = new ScrubSchedule(runner, Duration.ofHours(1), Clock.systemUTC(), Duration.ofMillis(10))) {
        Thread.sleep(200);
        assertEquals(0, scrubs.get());
        assertTrue(hourly.due().isAfter(Instant.now().plus(Duration.ofMinutes(59))));
      }
      // Every 50 ms: runs again and again, each counted from the last.
      ScrubSchedule often = new ScrubSchedule(runner, Duration.ofMillis(50), Clock.systemUTC(), Duration.ofMillis(10));
      try (often) {
        for (int i = 0; i < 500 && scrubs.get() < 3; i++) {
          Thread.sleep(10);
        }
      }
      assertTrue(scrubs.get() >= 3, "scrubs: " + scrubs.get());
      assertEquals(runner.last().orElseThrow().at().plus(Duration.ofMillis(50)), often.due());
    }
  }

  @Test
  void aNonPositiveIntervalIsRefused() throws IOException {
    try (Vault vault = Vault.open(data)) {
      ScrubRunner runner = new ScrubRunner(vault, Clock.systemUTC(), last -> { });
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new ScrubSchedule(runner, Duration.ZERO, Clock.systemUTC()));
      assertEquals("--scrub-every must be positive, got PT0S", e.getMessage());
    }
  }
}
