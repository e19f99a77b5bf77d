package org.distvault.storage.catalog;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.LogEntry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it appends violations, then checks that every append it
 * acknowledged is in the reopened catalog, that there are no holes, and that the sequence goes
 * on. While the child runs, opening its catalog here must fail with the lock message.
 */
class CatalogCrashTest {
  static final int ACKS_BEFORE_KILL = 3000;

  @TempDir Path data;

  @Test
  void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
    Path dir = data.resolve("index");
    Path nativeDir = Files.createDirectories(data.resolve("native"));
    Path stderr = data.resolve("child.stderr");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Djava.io.tmpdir=" + nativeDir,
        LogAppenderChild.class.getName(), dir.toString(), "16");
    // A killed JVM leaves its extracted librocksdbjni*.so behind: keep it inside @TempDir.
    pb.environment().put("ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
    pb.redirectError(stderr.toFile());
    Process child = pb.start();
    Map<Long, String> acked = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      assertEquals("ready", in.readLine(), () -> "child failed to start: " + read(stderr));

      CatalogLockedException locked = assertThrows(CatalogLockedException.class, () -> Catalog.open(dir));
      assertTrue(locked.getMessage().endsWith(
          "is locked by another process: is a distvault server already running?"));

      while (acked.size() < ACKS_BEFORE_KILL) {
        String line = in.readLine();
        assertTrue(line != null, () -> "child died early: " + read(stderr));
        record(acked, line);
      }
      // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
      // pipe, losing acknowledgements still buffered in it.
      assertTrue(child.toHandle().destroyForcibly());
      assertTrue(child.waitFor(1, TimeUnit.MINUTES));
      assertEquals(137, child.exitValue());
      // Lines printed before the kill are acknowledgements too.
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        record(acked, line);
      }
    } finally {
      child.destroyForcibly();
    }

    try (Catalog c = Catalog.open(dir)) {
      long last = c.lastCursor(LogKind.VIOLATIONS);
      long maxAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      assertTrue(last >= maxAcked, "last " + last + " < acknowledged " + maxAcked);
      Map<Long, String> stored = new HashMap<>();
      long cursor = 0;
      for (int guard = 0; guard < 10_000; guard++) {
        List<LogEntry> page = c.read(LogKind.VIOLATIONS, cursor, Catalog.MAX_PAGE);
        if (page.isEmpty()) {
          break;
        }
        for (LogEntry e : page) {
          assertEquals(cursor + 1, e.cursor(), "hole before cursor " + e.cursor());
          cursor = e.cursor();
          stored.put(e.cursor(), e.text());
        }
      }
      assertEquals(last, stored.size());
      for (Map.Entry<Long, String> a : acked.entrySet()) {
        assertEquals(a.getValue(), stored.get(a.getKey()), "acknowledged cursor " + a.getKey());
      }
      assertEquals(last + 1, c.append(LogKind.VIOLATIONS, "after crash".getBytes(UTF_8)));
    }
  }

  /** Keeps a complete {@code ack <cursor> <payload>} line; a line cut by the kill is ignored. */
  private static void record(Map<Long, String> acked, String line) {
    String[] f = line.split(" ");
    if (f.length == 3 && f[0].equals("ack") && f[2].matches("child-t\\d+-\\d+")) {
      String previous = acked.put(Long.parseLong(f[1]), f[2]);
      assertEquals(null, previous, "cursor " + f[1] + " acknowledged twice");
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }
}
