package org.distvault.storage.catalog;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.LogEntry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogLogsTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:34:56.789Z");

  @TempDir Path data;
  Catalog catalog;

  @BeforeEach
  void open() {
    catalog = reopen();
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  private Catalog reopen() {
    return Catalog.open(data.resolve("index"), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void entriesComeBackInOrderWithTheirCursorsAndBytes() {
    assertEquals(0, catalog.lastCursor(LogKind.VIOLATIONS));
    assertEquals(List.of(), catalog.read(LogKind.VIOLATIONS, 0, 10));
    for (int i = 1; i <= 5; i++) {
      assertEquals(i, catalog.append(LogKind.VIOLATIONS, ("v" + i).getBytes(UTF_8)));
    }
    assertEquals(1, catalog.append(LogKind.AUDIT, new byte[] {0, (byte) 0xff, 10}));

    List<LogEntry> all = catalog.read(LogKind.VIOLATIONS, 0, 100);
    assertEquals(List.of("v1", "v2", "v3", "v4", "v5"), all.stream().map(LogEntry::text).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), all.stream().map(LogEntry::cursor).toList());
    assertEquals(NOW, all.get(0).appendedAt());
    assertEquals(LogKind.VIOLATIONS, all.get(0).kind());
    LogEntry audit = catalog.read(LogKind.AUDIT, 0, 100).get(0);
    assertArrayEquals(new byte[] {0, (byte) 0xff, 10}, audit.payload());
    assertEquals(5, catalog.lastCursor(LogKind.VIOLATIONS));
    assertEquals(1, catalog.lastCursor(LogKind.AUDIT));
  }

  @Test
  void cursorPagingReturnsEachEntryOnce() {
    for (int i = 1; i <= 23; i++) {
      catalog.append(LogKind.AUDIT, ("a" + i).getBytes(UTF_8));
    }
    List<String> seen = new ArrayList<>();
    long cursor = 0;
    for (int guard = 0; guard < 10; guard++) {
      List<LogEntry> page = catalog.read(LogKind.AUDIT, cursor, 5);
      page.forEach(e -> seen.add(e.text()));
      if (page.isEmpty()) {
        break;
      }
      cursor = page.get(page.size() - 1).cursor();
    }
    assertEquals(23, seen.size());
    assertEquals("a1", seen.get(0));
    assertEquals("a23", seen.get(22));
    assertEquals(List.of(), catalog.read(LogKind.AUDIT, 23, 5));
    assertEquals(List.of(), catalog.read(LogKind.AUDIT, Long.MAX_VALUE, 5));
    assertEquals("a23", catalog.read(LogKind.AUDIT, 22, 5).get(0).text());
  }

  @Test
  void sequenceSurvivesReopenAndContinues() {
    catalog.append(LogKind.VIOLATIONS, "one".getBytes(UTF_8));
    catalog.append(LogKind.VIOLATIONS, "two".getBytes(UTF_8));
    catalog.append(LogKind.AUDIT, "mode offline".getBytes(UTF_8));
    catalog.close();
    catalog = reopen();
    assertEquals(2, catalog.lastCursor(LogKind.VIOLATIONS));
    assertEquals(3, catalog.append(LogKind.VIOLATIONS, "three".getBytes(UTF_8)));
    assertEquals(2, catalog.append(LogKind.AUDIT, "mode online".getBytes(UTF_8)));
    assertEquals(List.of("one", "two", "three"),
        catalog.read(LogKind.VIOLATIONS, 0, 10).stream().map(LogEntry::text).toList());
  }

  @Test
  void jsonPayloadsAreUtf8Json() {
    catalog.appendJson(LogKind.AUDIT, Map.of("mode", "offline"));
    assertEquals("{\"mode\":\"offline\"}", catalog.read(LogKind.AUDIT, 0, 1).get(0).text());
  }

  /**
   * 64 threads append concurrently: every append gets a distinct cursor, the cursors are exactly
   * 1..N, and the entry at each cursor is the one its appender wrote.
   */
  @Test
  void groupCommitFrom64ThreadsLosesAndDuplicatesNothing() throws Exception {
    int threads = 64;
    int perThread = 150;
    Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          long previous = 0;
          for (int i = 0; i < perThread; i++) {
            String payload = "t" + id + "-" + i;
            long c = catalog.append(LogKind.VIOLATIONS, payload.getBytes(UTF_8));
            assertTrue(c > previous, "cursors of one thread increase");
            previous = c;
            assertEquals(null, acknowledged.put(c, payload), "cursor " + c + " given twice");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    int n = threads * perThread;
    assertEquals(n, acknowledged.size());
    assertEquals(1L, Collections.min(acknowledged.keySet()));
    assertEquals((long) n, Collections.max(acknowledged.keySet()));
    assertEquals(n, catalog.lastCursor(LogKind.VIOLATIONS));

    List<LogEntry> all = new ArrayList<>();
    for (long cursor = 0; all.size() < n + 1; ) {
      List<LogEntry> page = catalog.read(LogKind.VIOLATIONS, cursor, 1000);
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page);
      cursor = page.get(page.size() - 1).cursor();
    }
    assertEquals(n, all.size());
    for (int i = 0; i < n; i++) {
      LogEntry e = all.get(i);
      assertEquals(i + 1, e.cursor());
      assertEquals(acknowledged.get(e.cursor()), e.text());
    }
    assertTrue(catalog.groups() <= n);
  }

  @Test
  void stateValuesAreStoredDurably() {
    assertEquals(Optional.empty(), catalog.state("mode"));
    catalog.putState("mode", "offline".getBytes(UTF_8));
    catalog.putStateJson("seal", Map.of("by", "admin", "blobs", 3));
    catalog.close();
    catalog = reopen();
    assertArrayEquals("offline".getBytes(UTF_8), catalog.state("mode").orElseThrow());
    @SuppressWarnings("unchecked")
    Map<String, Object> seal = catalog.stateJson("seal", Map.class).orElseThrow();
    assertEquals(Map.of("by", "admin", "blobs", 3), seal);
  }

  @Test
  void aListenerSeesEveryDurableEntryOfItsLogOnceBeforeTheAppendReturns() throws Exception {
    List<LogEntry> seen = Collections.synchronizedList(new ArrayList<>());
    catalog.onCommitted(LogKind.VIOLATIONS, seen::addAll);
    int threads = 8;
    int each = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            byte[] payload = ("t" + id + "-" + i).getBytes(UTF_8);
            long cursor = catalog.append(LogKind.VIOLATIONS, payload);
            // Already copied when append returns. The listener may be adding a later group
            // meanwhile: search a snapshot (List.copyOf takes the synchronized list's lock).
            LogEntry mine = List.copyOf(seen).stream().filter(e -> e.cursor() == cursor).findFirst().orElseThrow();
            assertArrayEquals(payload, mine.payload());
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    catalog.append(LogKind.AUDIT, "not listened to".getBytes(UTF_8));
    assertEquals(threads * each, seen.size());
    assertEquals(catalog.read(LogKind.VIOLATIONS, 0, 1000), List.copyOf(seen).stream()
        .sorted(java.util.Comparator.comparingLong(LogEntry::cursor)).toList());
  }

  @Test
  void aFailingListenerFailsNoAppend() {
    catalog.onCommitted(LogKind.VIOLATIONS, entries -> {
      throw new IllegalStateException("disk full");
    });
    assertEquals(1, catalog.append(LogKind.VIOLATIONS, "a".getBytes(UTF_8)));
    assertEquals(2, catalog.append(LogKind.VIOLATIONS, "b".getBytes(UTF_8)));
    catalog.onCommitted(LogKind.VIOLATIONS, null);
    assertEquals(3, catalog.append(LogKind.VIOLATIONS, "c".getBytes(UTF_8)));
    assertEquals(3, catalog.read(LogKind.VIOLATIONS, 0, 10).size());
  }
}
