package org.distvault.storage.s3;

import static org.distvault.storage.s3.TestBlobs.BUCKET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.BlobTooLargeException;
import org.distvault.storage.blob.CorruptBlobException;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.digest.Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The local {@link CacheTier} in front of the bucket: hits, bounds, eviction, verified fills. */
class CacheTierTest extends OnS3Proxy {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final int BLOB = 100_000;
  /** Room for three test blobs, not four. */
  private static final long TIER = 3 * BLOB + BLOB / 2;

  @TempDir Path cacheDir;
  private String prefix;
  private S3BlobBackend backend;

  @BeforeEach
  void open() throws IOException {
    prefix = "tier-" + PREFIXES.incrementAndGet();
    backend = open(TIER);
  }

  @AfterEach
  void close() throws IOException {
    backend.close();
  }

  private S3BlobBackend open(long tierBytes) throws IOException {
    return S3BlobBackend.open(
        TestBlobs.options(s3, prefix),
        CacheTier.open(cacheDir, tierBytes, BlobStoreOptions.defaults()));
  }

  private Digest ingest(byte[] data) throws IOException {
    return backend.ingest(new ByteArrayInputStream(data), TestBlobs.exactly(data)).sha512();
  }

  /** The blob files on disk in the tier. */
  private List<Path> tierFiles() throws IOException {
    return TestBlobs.filesUnder(cacheDir.resolve("blobs"));
  }

  @Test
  void hitInTheTierSendsNoRequest() throws IOException {
    byte[] data = TestBlobs.bytes(1, BLOB);
    Digest d = ingest(data);
    long before = backend.requests();

    Path file = backend.file(d).orElseThrow();

    assertEquals(before, backend.requests());
    assertTrue(file.startsWith(cacheDir));
    assertArrayEquals(data, Files.readAllBytes(file));
    assertTrue(backend.contains(d));
    assertEquals(before, backend.requests());
    assertEquals(1, backend.tier().hits());
  }

  @Test
  void leastRecentlyUsedBlobIsEvictedAndTheBoundHolds() throws IOException {
    List<byte[]> data = new ArrayList<>();
    List<Digest> d = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      data.add(TestBlobs.bytes(10 + i, BLOB));
    }
    for (int i = 0; i < 3; i++) {
      d.add(ingest(data.get(i)));
    }
    backend.file(d.get(0)).orElseThrow(); // 0 is now more recent than 1

    d.add(ingest(data.get(3)));

    CacheTier tier = backend.tier();
    assertFalse(tier.contains(d.get(1)), "the least recently used went");
    assertTrue(tier.contains(d.get(0)));
    assertTrue(tier.contains(d.get(2)));
    assertTrue(tier.contains(d.get(3)));
    assertEquals(3 * BLOB, tier.bytes());
    assertTrue(tier.bytes() <= tier.maxBytes());
    assertEquals(3, tierFiles().size());

    // The evicted one comes back from the bucket, verified, and pushes out the next eldest (2).
    long before = backend.requests();
    assertArrayEquals(data.get(1), Files.readAllBytes(backend.file(d.get(1)).orElseThrow()));
    assertEquals(1, backend.requests() - before, "one GET");
    assertEquals(1, tier.misses());
    assertFalse(tier.contains(d.get(2)));
    assertEquals(3, tierFiles().size());
    assertEquals(2, tier.evictions());
  }

  @Test
  void concurrentMissesOfOneBlobShareOneDownload() throws Exception {
    byte[] data = TestBlobs.bytes(70, BLOB);
    Digest d = ingest(data);
    backend.tier().evict(d);
    long before = backend.requests();
    int readers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Path>> got = new ArrayList<>();
      for (int i = 0; i < readers; i++) {
        got.add(pool.submit(() -> {
          go.await();
          return backend.file(d).orElseThrow();
        }));
      }
      go.countDown();
      for (Future<Path> f : got) {
        assertArrayEquals(data, Files.readAllBytes(f.get(30, TimeUnit.SECONDS)));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, backend.requests() - before);
  }

  @Test
  void evictedFileStaysReadableForAReaderThatOpenedIt() throws IOException {
    byte[] first = TestBlobs.bytes(20, BLOB);
    Digest d = ingest(first);
    try (FileChannel open =
        FileChannel.open(backend.file(d).orElseThrow(), StandardOpenOption.READ)) {
      for (int i = 1; i <= 3; i++) {
        ingest(TestBlobs.bytes(20 + i, BLOB));
      }
      assertFalse(backend.tier().contains(d));
      assertFalse(Files.exists(cacheDir.resolve("blobs").resolve(
          Path.of(d.hex().substring(0, 2), d.hex().substring(2, 4), d.hex()))));

      // Unlinked, but the open descriptor still reads every byte (Linux keeps the inode).
      ByteBuffer all = ByteBuffer.allocate(BLOB);
      while (all.hasRemaining() && open.read(all) >= 0) {
        // keep reading
      }
      assertArrayEquals(first, all.array());
    }
  }

  @Test
  void corruptObjectIsDetectedWhileFillingAndNeverReturned() throws IOException {
    byte[] data = TestBlobs.bytes(30, BLOB);
    Digest d = ingest(data);
    backend.tier().evict(d);
    String hex = d.hex();
    String key = prefix + "/blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/"
        + hex;
    byte[] flipped = data.clone();
    flipped[BLOB / 2] ^= 1;
    try (S3Client c = s3.client()) {
      c.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(flipped));
    }

    CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> backend.file(d));

    assertEquals(d, e.sha512());
    assertEquals("get", e.operation());
    assertTrue(e.getMessage().contains(hex), e.getMessage());
    assertFalse(backend.tier().contains(d));
    assertEquals(List.of(), tierFiles());
    assertEquals(List.of(), TestBlobs.filesUnder(cacheDir.resolve("tmp")));
    // Asked again, it is checked again: still never served.
    assertThrows(CorruptBlobException.class, () -> backend.file(d));
  }

  @Test
  void reopenedTierTakesInItsFilesAndServesThemWithoutRequests() throws IOException {
    byte[] data = TestBlobs.bytes(40, BLOB);
    Digest d = ingest(data);
    backend.close();
    backend = open(TIER);

    assertEquals(1, backend.tier().count());
    assertEquals(BLOB, backend.tier().bytes());
    assertArrayEquals(data, Files.readAllBytes(backend.file(d).orElseThrow()));
    assertEquals(0, backend.requests());
  }

  @Test
  void reopenedWithASmallerBoundEvictsTheOldest() throws IOException {
    for (int i = 0; i < 3; i++) {
      ingest(TestBlobs.bytes(50 + i, BLOB));
    }
    backend.close();
    backend = open(BLOB + 1);

    assertEquals(1, backend.tier().count());
    assertEquals(1, tierFiles().size());
  }

  @Test
  void blobLargerThanTheTierIsRefused() {
    byte[] big = TestBlobs.bytes(60, (int) TIER + 1);
    assertThrows(BlobTooLargeException.class, () -> backend.ingest(
        new ByteArrayInputStream(big), Expectation.none()));
    assertEquals(List.of(), s3.keys(BUCKET, prefix + "/"));
  }
}
