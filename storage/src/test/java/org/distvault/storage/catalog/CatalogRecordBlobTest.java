package org.distvault.storage.catalog;

import static org.distvault.storage.catalog.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.StoreStats;
import org.junit.jupiter.api.Test;

/** {@link Catalog#recordBlob}: an upload's record, merged by the group commit's one read. */
class CatalogRecordBlobTest extends OpenCatalogTest {
  private static Digests sha512Only(Digests all) {
    return Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow()));
  }

  private byte[] stored(Digest sha512) throws Exception {
    RocksStore s = catalog.committer().store();
    return s.db.get(s.blobs, Codec.blobKey(sha512));
  }

  @Test
  void aNewBlobIsRecordedAndARecordThatHasItAllIsNotWrittenAgain() throws Exception {
    Digests all = Fixtures.digestsOf("new");
    assertFalse(catalog.mayHaveBlob(all.get(DigestAlgorithm.SHA512).orElseThrow()));
    BlobRecord first = catalog.recordBlob(BlobRecord.stored(all, 3, T0));
    assertEquals(BlobRecord.stored(all, 3, T0), first);
    assertTrue(catalog.mayHaveBlob(first.sha512()));
    assertEquals(new StoreStats(0, 0, 0, 0, 0, 1, 3), catalog.stats());
    byte[] value = stored(first.sha512());

    long generation = catalog.generation();
    BlobRecord again = catalog.recordBlob(BlobRecord.stored(sha512Only(all), 3, T0.plusSeconds(60)));
    assertEquals(first, again); // the stored record, its verification time not moved
    assertEquals(generation, catalog.generation()); // no record written
    assertArrayEquals(value, stored(first.sha512()));
    assertEquals(new StoreStats(0, 0, 0, 0, 0, 1, 3), catalog.stats());
  }

  @Test
  void aRecordLackingADigestGainsItAndAConflictingSizeIsRefused() {
    Digests all = Fixtures.digestsOf("grow");
    BlobRecord first = catalog.recordBlob(BlobRecord.stored(sha512Only(all), 4, T0));
    Instant later = T0.plusSeconds(60);
    BlobRecord grown = catalog.recordBlob(BlobRecord.stored(all, 4, later));
    assertEquals(new BlobRecord(first.sha512(), 4, all, T0, later), grown);
    assertEquals(Optional.of(grown), catalog.blob(first.sha512()));
    assertEquals(List.of(grown), catalog.blobsByDigest(all.get(DigestAlgorithm.RMD160).orElseThrow()));

    var e = assertThrows(IllegalArgumentException.class,
        () -> catalog.recordBlob(BlobRecord.stored(all, 5, later)));
    assertEquals("blob sha512:" + first.sha512().hex() + " has size 4 in the catalog, not 5", e.getMessage());
    assertEquals(new StoreStats(0, 0, 0, 0, 0, 1, 4), catalog.stats());
  }

  @Test
  void concurrentRecordsOfOneBlobMergeIntoOneRecordCountedOnce() throws Exception {
    Digests all = Fixtures.digestsOf("shared");
    List<Digests> parts = new ArrayList<>();
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      parts.add(a == DigestAlgorithm.SHA512 ? sha512Only(all)
          : Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow(), all.get(a).orElseThrow())));
    }
    ExecutorService pool = Executors.newFixedThreadPool(parts.size());
    try {
      for (int round = 0; round < 20; round++) {
        List<Future<BlobRecord>> done = new ArrayList<>();
        for (Digests d : parts) {
          done.add(pool.submit(() -> catalog.recordBlob(BlobRecord.stored(d, 6, T0))));
        }
        for (Future<BlobRecord> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    BlobRecord b = catalog.blob(all.get(DigestAlgorithm.SHA512).orElseThrow()).orElseThrow();
    assertEquals(new BlobRecord(b.sha512(), 6, all, T0, T0), b);
    assertEquals(new StoreStats(0, 0, 0, 0, 0, 1, 6), catalog.stats());
    assertEquals(new StoreStats(0, 0, 0, 0, 0, 1, 6), catalog.recount());
  }

  @Test
  void aWriteUndoneInItsGroupTakesItsCountersWithIt() throws Exception {
    BlobRecord a = Fixtures.blobOf("a");
    BlobRecord undone = Fixtures.blobOf("undone!");
    BlobRecord c = Fixtures.blobOf("ccc");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      Future<Object> held = pool.submit(() -> catalog.committer().submit(b -> {
        running.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }));
      assertTrue(running.await(30, TimeUnit.SECONDS));
      List<Future<?>> group = new ArrayList<>();
      group.add(queue(pool, b -> catalog.records().recordBlob(b, a)));
      group.add(queue(pool, b -> {
        catalog.records().recordBlob(b, undone);
        throw new IllegalStateException("undone on purpose");
      }));
      group.add(queue(pool, b -> catalog.records().recordBlob(b, c)));
      release.countDown();
      held.get(30, TimeUnit.SECONDS);
      group.get(0).get(30, TimeUnit.SECONDS);
      var e = assertThrows(ExecutionException.class, () -> group.get(1).get(30, TimeUnit.SECONDS));
      assertEquals("undone on purpose", e.getCause().getMessage());
      group.get(2).get(30, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    StoreStats want = new StoreStats(0, 0, 0, 0, 0, 2, a.size() + c.size());
    assertEquals(want, catalog.stats());
    assertEquals(Optional.empty(), catalog.blob(undone.sha512()));
    reopen();
    assertEquals(want, catalog.stats());
    assertEquals(want, catalog.recount());
  }

}
