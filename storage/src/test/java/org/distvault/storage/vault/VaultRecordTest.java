package org.distvault.storage.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Vault#record} from many threads: the catalog's group commit records them together, and a conflicting blob fails alone. */
class VaultRecordTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 12;

  @TempDir Path data;

  private static StoredBlob store(Vault vault, String content) throws Exception {
    return vault.blobs().ingest(
        new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), Expectation.none());
  }

  @Test
  void concurrentRecordsAllLandOnceWithTheirDigests() throws Exception {
    try (Vault vault = Vault.open(data)) {
      List<StoredBlob> blobs = new ArrayList<>();
      for (int i = 0; i < THREADS * PER_THREAD; i++) {
        blobs.add(store(vault, "content number " + i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<BlobRecord>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          List<StoredBlob> mine = blobs.subList(t * PER_THREAD, (t + 1) * PER_THREAD);
          results.add(pool.submit(() -> {
            go.await();
            List<BlobRecord> out = new ArrayList<>();
            for (StoredBlob b : mine) {
              out.add(vault.record(b));
            }
            return out;
          }));
        }
        go.countDown();
        for (int t = 0; t < THREADS; t++) {
          List<BlobRecord> got = results.get(t).get(60, TimeUnit.SECONDS);
          for (int i = 0; i < PER_THREAD; i++) {
            StoredBlob b = blobs.get(t * PER_THREAD + i);
            assertEquals(b.sha512(), got.get(i).sha512());
            assertEquals(b.size(), got.get(i).size());
            assertEquals(b.digests(), got.get(i).digests());
            assertEquals(Optional.of(got.get(i)), vault.catalog().blob(b.sha512()));
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(THREADS * PER_THREAD, vault.catalog().stats().blobs());
      assertEquals(vault.catalog().recount(), vault.catalog().stats());
      // Recording again finds the complete record and writes nothing new.
      BlobRecord first = vault.catalog().blob(blobs.get(0).sha512()).orElseThrow();
      assertEquals(first, vault.record(blobs.get(0)));
    }
  }

  @Test
  void aConflictingBlobFailsAloneAndTheRestOfItsGroupIsRecorded() throws Exception {
    try (Vault vault = Vault.open(data)) {
      StoredBlob bad = store(vault, "the catalog thinks this is longer");
      // A record that disagrees with the file (as after a hand-edited or damaged catalog) and
      // lacks some of its digests, so that recording the blob writes and meets the conflict.
      vault.catalog().putBlob(BlobRecord.stored(Digests.of(List.of(bad.sha512())), bad.size() + 1,
          vault.clock().instant()));
      List<StoredBlob> good = new ArrayList<>();
      for (int i = 0; i < 2 * THREADS; i++) {
        good.add(store(vault, "good content " + i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<BlobRecord>> goods = new ArrayList<>();
        Future<BlobRecord> conflicting = pool.submit(() -> {
          go.await();
          return vault.record(bad);
        });
        for (StoredBlob b : good) {
          goods.add(pool.submit(() -> {
            go.await();
            return vault.record(b);
          }));
        }
        go.countDown();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> conflicting.get(60, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getCause().getMessage().endsWith("in the catalog, not " + bad.size()), e.getCause().getMessage());
        for (int i = 0; i < good.size(); i++) {
          assertEquals(good.get(i).sha512(), goods.get(i).get(60, TimeUnit.SECONDS).sha512());
          assertTrue(vault.catalog().blob(good.get(i).sha512()).isPresent());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1 + good.size(), vault.catalog().stats().blobs());
      assertTrue(Files.isRegularFile(bad.path()), "the stored file is left alone");
    }
  }
}
