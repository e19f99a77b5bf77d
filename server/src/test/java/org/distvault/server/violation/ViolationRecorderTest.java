package org.distvault.server.violation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.server.testing.LogCapture;
import org.distvault.storage.vault.Vault;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder against a real catalog and file: every violation is durable and in the file, and
 * a flood is logged as at most {@link ViolationRecorder#WARN_LINES_PER_WINDOW} WARN lines per
 * window plus one line counting the rest.
 */
class ViolationRecorderTest {
  @TempDir Path dir;
  // logback-test.xml keeps this logger at ERROR for the load tests; these lines are the subject here.
  @RegisterExtension final LogCapture logged = new LogCapture(ViolationRecorder.class, Level.WARN);

  static Violation miss(int i) {
    return new Violation(0, Instant.parse("2026-11-23T03:00:00Z"), ViolationKind.UNKNOWN,
        "/distfiles/m-" + i + ".tgz", "m-" + i + ".tgz", Optional.empty(), List.of(), SetName.DEFAULT, Optional.empty(),
        "127.0.0.1", Optional.empty(), "GET", "in no manifest");
  }

  @Test
  void aFloodIsRecordedWhollyButLoggedInPart() throws IOException {
    AtomicLong nanos = new AtomicLong(1_000);
    int flood = ViolationRecorder.WARN_LINES_PER_WINDOW + 30;
    try (Vault catalog = Vault.open(dir)) {
      ViolationLog file = ViolationLog.in(dir);
      AtomicLong counted = new AtomicLong();
      ViolationRecorder recorder = new ViolationRecorder(catalog, file, k -> counted.incrementAndGet(), nanos::get);
      for (int i = 1; i <= flood; i++) {
        assertEquals(i, recorder.record(miss(i)).cursor());
      }
      assertEquals(ViolationRecorder.WARN_LINES_PER_WINDOW, warnLines("violation "));
      assertEquals(0, warnLines("more violations"));

      nanos.addAndGet(ViolationRecorder.WARN_WINDOW_NANOS);
      recorder.record(miss(flood + 1));
      assertEquals(ViolationRecorder.WARN_LINES_PER_WINDOW + 1, warnLines("violation "));
      List<String> summary = messages("more violations");
      assertEquals(1, summary.size());
      assertTrue(summary.get(0).startsWith("30 more violations in the last 10 s"), summary.get(0));

      assertEquals(flood + 1, recorder.lastCursor());
      assertEquals(flood + 1, counted.get());
      List<String> lines = Files.readAllLines(file.file(), StandardCharsets.UTF_8);
      assertEquals(flood + 1, lines.size());
      for (Violation v : recorder.read(0, flood + 1)) {
        assertEquals(v, ViolationJson.fromBytes(v.cursor(),
            lines.get((int) v.cursor() - 1).getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  @Test
  void concurrentRecordsAreGatheredAndEachGetsItsOwnDurableCursor() throws Exception {
    int threads = 16;
    int each = 50;
    try (Vault catalog = Vault.open(dir)) {
      ViolationLog file = ViolationLog.in(dir);
      ViolationRecorder recorder = new ViolationRecorder(catalog, file, k -> { });
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<List<Violation>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t * each;
          results.add(pool.submit(() -> {
            List<Violation> mine = new ArrayList<>();
            for (int i = first; i < first + each; i++) {
              mine.add(recorder.record(miss(i)));
            }
            return mine;
          }));
        }
        Map<Long, Violation> byCursor = new HashMap<>();
        for (Future<List<Violation>> r : results) {
          for (Violation v : r.get(60, TimeUnit.SECONDS)) {
            assertEquals(null, byCursor.put(v.cursor(), v), "cursor " + v.cursor() + " given twice");
          }
        }
        int n = threads * each;
        assertEquals(n, byCursor.size());
        assertEquals(n, recorder.lastCursor());
        for (Violation stored : recorder.read(0, n)) {
          assertEquals(byCursor.get(stored.cursor()), stored, "what the caller was told is what is stored");
        }
        List<String> lines = Files.readAllLines(file.file(), StandardCharsets.UTF_8);
        assertEquals(n, lines.size());
        for (int i = 0; i < n; i++) {
          assertEquals(i + 1, ViolationJson.cursorOf(lines.get(i)), "the file is in cursor order");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private long warnLines(String prefix) {
    return messages(prefix).size();
  }

  private List<String> messages(String contains) {
    return logged.events().stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> contains.equals("violation ") ? m.startsWith(contains) : m.contains(contains))
        .toList();
  }
}
