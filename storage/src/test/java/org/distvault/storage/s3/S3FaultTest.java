package org.distvault.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.digest.Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket's server stopped or hung: tier hits go on, everything else fails within the bounded
 * timeouts with {@link BackendUnavailableException} naming the operation, and the same backend
 * works again once the server is back.
 */
class S3FaultTest extends OnS3Proxy {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  /**
   * Far above what the options allow (1 s connect, 3 s per request, 2 s silence, two attempts),
   * far below a hang.
   */
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path cacheDir;
  private S3BlobBackend backend;
  private byte[] hotData;
  private Digest hot;
  private byte[] coldData;
  private Digest cold;

  /** Two blobs in the bucket: one also in the tier (hot), one only in the bucket (cold). */
  @BeforeEach
  void open() throws IOException {
    backend = S3BlobBackend.open(
        TestBlobs.options(s3, "fault-" + PREFIXES.incrementAndGet()),
        CacheTier.open(cacheDir, 1L << 20, BlobStoreOptions.defaults()));
    hotData = TestBlobs.bytes(1, 10_000);
    coldData = TestBlobs.bytes(2, 10_000);
    hot = backend.ingest(new ByteArrayInputStream(hotData), Expectation.none()).sha512();
    cold = backend.ingest(new ByteArrayInputStream(coldData), Expectation.none()).sha512();
    backend.tier().evict(cold);
  }

  @AfterEach
  void close() throws IOException {
    backend.close();
  }

  private static void assertUnavailable(String operation, Executable call) {
    long t0 = System.nanoTime();
    BackendUnavailableException e = assertTimeoutPreemptively(
        BOUND, () -> assertThrows(BackendUnavailableException.class, call));
    assertEquals(operation, e.operation(), e.getMessage());
    System.err.printf("%s failed after %d ms: %s%n", operation,
        (System.nanoTime() - t0) / 1_000_000, e.getMessage());
  }

  @Test
  void stoppedServerLeavesTierHitsAndFailsTheRestUntilItIsBack() throws IOException {
    s3.stop();
    try {
      long before = backend.requests();
      assertArrayEquals(hotData, Files.readAllBytes(backend.file(hot).orElseThrow()));
      assertTrue(backend.contains(hot));
      assertEquals(before, backend.requests(), "tier hits send nothing");

      assertUnavailable("get", () -> backend.file(cold));
      assertUnavailable("head", () -> backend.contains(cold));
      assertUnavailable("list", () -> backend.list(Optional.empty(), 10));
      byte[] fresh = TestBlobs.bytes(3, 10_000);
      assertUnavailable("head", () -> backend.ingest(
          new ByteArrayInputStream(fresh), Expectation.none()));
      assertEquals(List.of(), TestBlobs.filesUnder(cacheDir.resolve("tmp")));
      assertFalse(backend.tier().contains(TestBlobs.sha512(fresh)));
    } finally {
      s3.restart();
    }

    assertArrayEquals(coldData, Files.readAllBytes(backend.file(cold).orElseThrow()));
    byte[] fresh = TestBlobs.bytes(3, 10_000);
    Digest d = backend.ingest(new ByteArrayInputStream(fresh), Expectation.none()).sha512();
    assertTrue(backend.list(Optional.empty(), 10).contains(d));
  }

  @Test
  void hungServerFailsWithinTheTimeoutsAndRecovers() throws IOException {
    s3.pause();
    try {
      assertArrayEquals(hotData, Files.readAllBytes(backend.file(hot).orElseThrow()));
      assertUnavailable("get", () -> backend.file(cold));
      assertUnavailable("head", () -> backend.contains(cold));
    } finally {
      s3.resume();
    }

    assertArrayEquals(coldData, Files.readAllBytes(backend.file(cold).orElseThrow()));
    assertTrue(backend.contains(cold));
  }
}
