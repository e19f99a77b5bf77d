package org.distvault.storage.catalog;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.VariantRef;

import org.distvault.storage.distfile.PrefetchOutcome;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.distvault.storage.catalog.Fixtures.BORON;
import static org.distvault.storage.catalog.Fixtures.T0;
import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CatalogLifecycleTest {
  @TempDir Path data;

  @Test
  void everyMethodThrowsAfterCloseInsteadOfCrashing() {
    Catalog c = Catalog.open(data.resolve("index"));
    c.upsert(expected("a.tgz", 1, BORON, "x/a"));
    BlobRecord b = c.putBlob(Fixtures.blobOf("a"));
    VariantRef ref = new VariantRef(name("a.tgz"), 1);
    c.close();

    List<Executable> calls = List.of(
        () -> c.upsert(expected("b.tgz", 1, BORON, "x/b")),
        () -> c.upsertAll(List.of(expected("b.tgz", 1, BORON, "x/b"))),
        () -> c.upsertAll(List.of()),
        () -> c.distfile(name("a.tgz")),
        () -> c.resolve(name("a.tgz"), Optional.empty()),
        () -> c.listDistfiles(Optional.empty(), 10),
        () -> c.recordOutcome(ref, PrefetchOutcome.ok(T0, "https://a/a.tgz")),
        () -> c.recordOutcomes(Map.of()),
        () -> c.bind(ref, b.sha512()),
        () -> c.putBlob(b),
        () -> c.blob(b.sha512()),
        () -> c.blobsByDigest(b.sha512()),
        () -> c.listBlobs(Optional.empty(), 10),
        () -> c.markVerified(b.sha512(), T0),
        () -> c.removeBlob(b.sha512()),
        () -> c.stats(),
        () -> c.recount(),
        () -> c.append(LogKind.AUDIT, new byte[1]),
        () -> c.appendJson(LogKind.AUDIT, Map.of()),
        () -> c.read(LogKind.AUDIT, 0, 10),
        () -> c.lastCursor(LogKind.AUDIT),
        () -> c.putState("mode", new byte[1]),
        () -> c.putStateJson("mode", "x"),
        () -> c.state("mode"),
        () -> c.stateJson("mode", String.class));
    for (Executable call : calls) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call);
      assertEquals("catalog is closed", e.getMessage());
    }
    c.close(); // idempotent
  }

  /**
   * Threads keep calling while the catalog closes: each call either completes or throws
   * "catalog is closed"; none reaches the closed database (that would kill the JVM).
   */
  @Test
  void closeWaitsForCallsInFlightAndLaterCallsThrow() throws Exception {
    Catalog c = Catalog.open(data.resolve("index"));
    c.upsert(expected("a.tgz", 1, BORON, "x/a"));
    int threads = 8;
    AtomicLong completed = new AtomicLong();
    CountDownLatch warm = new CountDownLatch(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Long>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(pool.submit(() -> {
          long ok = 0;
          for (int i = 0; i < 10_000_000; i++) {
            try {
              switch ((id + i) % 5) {
                case 0 -> c.append(LogKind.VIOLATIONS, ("t" + id + " " + i).getBytes(UTF_8));
                case 1 -> c.distfile(name("a.tgz")).orElseThrow();
                case 2 -> c.upsert(expected("t" + id + "-" + i + ".tgz", i, BORON, "x/t"));
                case 3 -> c.read(LogKind.VIOLATIONS, 0, 50);
                default -> c.listDistfiles(Optional.empty(), 20);
              }
            } catch (IllegalStateException e) {
              assertEquals("catalog is closed", e.getMessage());
              return ok;
            }
            ok++;
            completed.incrementAndGet();
            if (ok == 20) {
              warm.countDown();
            }
          }
          throw new AssertionError("thread " + id + " never saw the catalog close");
        }));
      }
      assertTrue(warm.await(2, TimeUnit.MINUTES), "workers did not start");
      c.close();
      long total = 0;
      for (Future<Long> f : results) {
        total += f.get(2, TimeUnit.MINUTES);
      }
      assertEquals(completed.get(), total);
      assertTrue(total >= threads * 20L);
    } finally {
      pool.shutdownNow();
    }
    // Every append acknowledged before the close is stored.
    try (Catalog again = Catalog.open(data.resolve("index"))) {
      long appends = again.lastCursor(LogKind.VIOLATIONS);
      assertEquals(appends, again.read(LogKind.VIOLATIONS, 0, Catalog.MAX_PAGE).size());
      assertEquals(again.stats(), again.recount());
    }
  }

  @Test
  void secondOpenOfTheSameDirectoryGivesTheLockError() {
    Path dir = data.resolve("index");
    try (Catalog first = Catalog.open(dir)) {
      CatalogLockedException e = assertThrows(CatalogLockedException.class, () -> Catalog.open(dir));
      assertEquals("catalog " + dir.toAbsolutePath() + " is locked by another process: is a"
          + " distvault server already running?", e.getMessage());
      assertEquals(dir.toAbsolutePath(), e.directory());
      // The failed open left the first one working.
      assertEquals(1, first.append(LogKind.AUDIT, new byte[] {1}));
    }
    try (Catalog reopened = Catalog.open(dir)) {
      assertEquals(1, reopened.lastCursor(LogKind.AUDIT));
    }
  }

  @Test
  void infoLogFilesDoNotPileUpAcrossOpens() throws IOException {
    Path dir = data.resolve("index");
    for (int i = 0; i < 12; i++) {
      try (Catalog c = Catalog.open(dir)) {
        c.putState("n", new byte[] {(byte) i});
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      long logs = files.filter(p -> p.getFileName().toString().startsWith("LOG")).count();
      assertTrue(logs <= 5, "info LOG files kept: " + logs);
    }
  }

  @Test
  void openOnAFileGivesAClearError() throws IOException {
    Path file = Files.writeString(data.resolve("not-a-dir"), "x");
    CatalogException e = assertThrows(CatalogException.class, () -> Catalog.open(file));
    assertTrue(e.getMessage().startsWith("cannot create catalog directory " + file), e.getMessage());
    assertFalse(e instanceof CatalogLockedException);
  }
}
