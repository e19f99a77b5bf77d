package org.distvault.storage.catalog;

import static org.distvault.storage.catalog.Fixtures.T0;
import static org.distvault.storage.catalog.Fixtures.boundBlob;
import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.distvault.storage.catalog.Fixtures.storeAndExpect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantRef;
import org.junit.jupiter.api.Test;

/**
 * {@link Catalog#freeze}: what is expected and bound cannot change until {@link Catalog#thaw},
 * and a write running when the freeze starts either completes before it returns or is refused.
 */
class CatalogFreezeTest extends OpenCatalogTest {
  static final String WHY = "distvault is offline (sealed): uploads are refused";

  @Test
  void frozenRefusesEveryWriteThatChangesWhatIsExpectedOrBoundAndWritesNothing() {
    BlobRecord x = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    VariantRef ref = new VariantRef(name("x-1.0.tgz"), 1);
    catalog.freeze(SetName.DEFAULT, WHY);
    assertEquals(Optional.of(WHY), catalog.frozen(SetName.DEFAULT));
    DistfileRecord before = catalog.distfile(name("x-1.0.tgz")).orElseThrow();
    long generation = catalog.generation();

    FrozenException bind = assertThrows(FrozenException.class, () -> catalog.bind(ref, x.sha512()));
    assertEquals("bind refused: " + WHY, bind.getMessage());
    assertEquals(WHY, bind.reason());
    assertEquals("bind refused: " + WHY, assertThrows(FrozenException.class,
        () -> catalog.bindAll(List.of(Map.entry(ref, x.sha512())))).getMessage());
    assertEquals("upsert refused: " + WHY, assertThrows(FrozenException.class,
        () -> catalog.upsert(expected("y-1.0.tgz", 3, Fixtures.distinfoDigestsOf("yyy"), "devel/y"))).getMessage());
    assertEquals("upsert refused: " + WHY, assertThrows(FrozenException.class,
        () -> catalog.upsertAll(List.of())).getMessage());
    assertEquals("record outcomes refused: " + WHY, assertThrows(FrozenException.class,
        () -> catalog.recordOutcome(ref, PrefetchOutcome.failed("HTTP 404", T0, "https://x.invalid/x"))).getMessage());

    assertEquals(before, catalog.distfile(name("x-1.0.tgz")).orElseThrow());
    assertTrue(catalog.distfile(name("y-1.0.tgz")).isEmpty());
    assertEquals(generation, catalog.generation());
    assertEquals(Optional.empty(), boundBlob(catalog, "x-1.0.tgz"));
  }

  @Test
  void blobRecordsRemovalLogsAndStateStayWritableWhileFrozen() {
    BlobRecord x = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    catalog.bind(new VariantRef(name("x-1.0.tgz"), 1), x.sha512());
    catalog.freeze(SetName.DEFAULT, WHY);

    BlobRecord z = catalog.putBlob(Fixtures.blobOf("z content"));
    assertEquals(Optional.of(z), catalog.blob(z.sha512()));
    assertTrue(catalog.markVerified(x.sha512(), T0.plusSeconds(60)));
    long cursor = catalog.append(LogKind.AUDIT, "frozen".getBytes(StandardCharsets.UTF_8));
    assertEquals(cursor, catalog.lastCursor(LogKind.AUDIT));
    catalog.putState("k", new byte[] {1});
    assertArrayEquals(new byte[] {1}, catalog.state("k").orElseThrow());
    // A scrub must still drop a corrupt blob: removal unbinds even while frozen.
    assertEquals(List.of(new VariantRef(name("x-1.0.tgz"), 1)), catalog.removeBlob(x.sha512()));
    assertEquals(Optional.empty(), boundBlob(catalog, "x-1.0.tgz"));
  }

  @Test
  void thawingAllowsWritesAgain() {
    BlobRecord x = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    catalog.freeze(SetName.DEFAULT, WHY);
    catalog.freeze(SetName.DEFAULT, "again, another reason");
    assertEquals(Optional.of("again, another reason"), catalog.frozen(SetName.DEFAULT));
    catalog.thaw(SetName.DEFAULT);
    catalog.thaw(SetName.DEFAULT);
    assertEquals(Optional.empty(), catalog.frozen(SetName.DEFAULT));
    catalog.bind(new VariantRef(name("x-1.0.tgz"), 1), x.sha512());
    assertEquals(Optional.of(x.sha512()), boundBlob(catalog, "x-1.0.tgz"));
  }

  @Test
  void aGroupOfWritesRunsWhollyBeforeAFreezeOrNotAtAll() throws Exception {
    BlobRecord x = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    VariantRef ref = new VariantRef(name("x-1.0.tgz"), 1);
    CountDownLatch firstWritten = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> group = pool.submit(() -> {
        catalog.unlessFrozen(SetName.DEFAULT, "bind and record", () -> {
          catalog.bind(ref, x.sha512());
          firstWritten.countDown();
          goOn.await(30, TimeUnit.SECONDS);
          // A freeze is waiting by now: this second write of the group still goes through.
          catalog.recordOutcome(ref, PrefetchOutcome.ok(T0, "https://x.invalid/x"));
        });
        return null;
      });
      assertTrue(firstWritten.await(30, TimeUnit.SECONDS));
      Future<?> freezing = pool.submit(() -> catalog.freeze(SetName.DEFAULT, WHY));
      Thread.sleep(200);
      assertFalse(freezing.isDone(), "the freeze waits for the group");
      goOn.countDown();
      group.get(30, TimeUnit.SECONDS);
      freezing.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    Variant v = catalog.distfile(name("x-1.0.tgz")).orElseThrow().variants().get(0);
    assertEquals(Optional.of(x.sha512()), v.blob());
    assertEquals(PrefetchOutcome.Status.OK, v.lastOutcome().orElseThrow().status());

    AtomicBoolean ran = new AtomicBoolean();
    FrozenException e = assertThrows(FrozenException.class,
        () -> catalog.unlessFrozen(SetName.DEFAULT, "bind and record", () -> ran.set(true)));
    assertEquals("bind and record refused: " + WHY, e.getMessage());
    assertFalse(ran.get());
  }

  /**
   * Threads bind while the catalog is frozen under them: what is bound when freeze returns is
   * what stays bound, and every bind after it was refused.
   */
  @Test
  void aFreezeWaitsForBindsInProgressAndNothingChangesAfterIt() throws Exception {
    int names = 8;
    List<BlobRecord[]> blobs = new ArrayList<>();
    for (int i = 0; i < names; i++) {
      String content = "content " + i;
      BlobRecord b = storeAndExpect(catalog, "n" + i + ".tgz", content, "devel/n" + i);
      // A second variant of the same name, with other content, for the threads to flip between.
      String other = "other content " + i;
      catalog.upsert(expected("n" + i + ".tgz", Fixtures.size(other), Fixtures.distinfoDigestsOf(other), "devel/m" + i));
      blobs.add(new BlobRecord[] {b, catalog.putBlob(Fixtures.blobOf(other))});
    }
    AtomicBoolean frozen = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> refusedAfter = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int seed = t;
        refusedAfter.add(pool.submit(() -> {
          int refused = 0;
          for (int n = 0; n < 100_000 && refused < 20; n++) {
            int i = (n * 7 + seed) % names;
            int variant = 1 + (n + seed) % 2;
            boolean wasFrozen = frozen.get();
            try {
              catalog.bind(new VariantRef(name("n" + i + ".tgz"), variant), blobs.get(i)[variant - 1].sha512());
              if (wasFrozen) {
                throw new AssertionError("a bind after the freeze was made");
              }
            } catch (FrozenException e) {
              refused++;
            }
          }
          return refused;
        }));
      }
      Thread.sleep(50);
      catalog.freeze(SetName.DEFAULT, WHY);
      frozen.set(true);
      List<DistfileRecord> atFreeze = catalog.listDistfiles(Optional.empty(), Catalog.MAX_PAGE);
      int refused = 0;
      for (Future<Integer> f : refusedAfter) {
        refused += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(atFreeze, catalog.listDistfiles(Optional.empty(), Catalog.MAX_PAGE));
      assertTrue(refused > 0, "no thread was refused");
    } finally {
      pool.shutdownNow();
    }
  }
}
