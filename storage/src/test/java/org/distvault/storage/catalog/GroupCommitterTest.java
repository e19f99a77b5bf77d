package org.distvault.storage.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog's one writer: writes queued while the committer is busy form one group with one
 * synced batch, and a write that fails is undone alone. The committer is held by a first write
 * that waits on a latch, so the group is lined up deterministically, not by timing.
 */
class GroupCommitterTest extends OpenCatalogTest {
  private ExecutorService pool;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void startPool() {
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stopPool() {
    release.countDown();
    pool.shutdownNow();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Occupies the committer thread until {@link #release} opens; returns once it runs. */
  private Future<Object> holdCommitter() throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    Future<Object> held = pool.submit(() -> catalog.committer().submit(b -> {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    assertTrue(running.await(30, TimeUnit.SECONDS), "the committer took the holding write");
    return held;
  }

  /** Submits from another thread and waits until the write is queued behind the held one. */
  private <R> Future<R> queue(GroupCommitter.Write<R> write) throws InterruptedException {
    return queue(pool, write);
  }

  @Test
  void writesQueuedWhileTheCommitterIsBusyShareOneSyncedBatch() throws Exception {
    long groupsBefore = catalog.groups();
    Future<Object> held = holdCommitter();
    List<Future<Long>> appends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] payload = utf8("entry " + i);
      appends.add(queue(b -> b.append(LogKind.VIOLATIONS, payload)));
    }
    Future<Object> state = queue(b -> {
      b.put(catalog.committer().store().state, utf8("k"), utf8("v"));
      return null;
    });
    release.countDown();
    held.get(30, TimeUnit.SECONDS);
    for (int i = 0; i < appends.size(); i++) {
      assertEquals(i + 1, appends.get(i).get(30, TimeUnit.SECONDS), "cursors in queue order");
    }
    state.get(30, TimeUnit.SECONDS);
    // The holding write's group, then one group for the 21 writes queued behind it.
    assertEquals(groupsBefore + 2, catalog.groups());
    assertArrayEquals(utf8("v"), catalog.state("k").orElseThrow());
    List<LogEntry> read = catalog.read(LogKind.VIOLATIONS, 0, 100);
    assertEquals(20, read.size());
    assertEquals("entry 19", read.get(19).text());
  }

  @Test
  void aWriteThatFailsIsUndoneAloneAndTheRestOfItsGroupIsStored() throws Exception {
    Future<Object> held = holdCommitter();
    Future<Long> first = queue(b -> b.append(LogKind.AUDIT, utf8("first")));
    Future<Object> failing = queue(b -> {
      b.append(LogKind.AUDIT, utf8("undone"));
      b.put(catalog.committer().store().state, utf8("undone"), utf8("x"));
      throw new IllegalArgumentException("refused on purpose");
    });
    Future<Long> last = queue(b -> b.append(LogKind.AUDIT, utf8("last")));
    release.countDown();
    held.get(30, TimeUnit.SECONDS);
    assertEquals(1, first.get(30, TimeUnit.SECONDS));
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> failing.get(30, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertEquals("refused on purpose", e.getCause().getMessage());
    assertEquals(2, last.get(30, TimeUnit.SECONDS), "the undone entry's cursor is given back");
    assertEquals(Optional.empty(), catalog.state("undone"));
    List<LogEntry> audit = catalog.read(LogKind.AUDIT, 0, 10);
    assertEquals(List.of("first", "last"), audit.stream().map(LogEntry::text).toList());
    assertEquals(2, catalog.lastCursor(LogKind.AUDIT));
    reopen();
    assertEquals(List.of("first", "last"),
        catalog.read(LogKind.AUDIT, 0, 10).stream().map(LogEntry::text).toList());
  }
}
