package org.distvault.storage.s3;

import static org.distvault.storage.s3.TestBlobs.BUCKET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.CorruptBlob;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.blob.SizeMismatchException;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link S3BlobBackend} against a real S3 server (s3proxy in its own process). */
class S3BlobBackendTest extends OnS3Proxy {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir Path cacheDir;
  private String prefix;
  private S3BlobBackend backend;

  @BeforeEach
  void open() throws IOException {
    prefix = "backend-" + PREFIXES.incrementAndGet();
    backend = open(cacheDir);
  }

  @AfterEach
  void close() throws IOException {
    backend.close();
  }

  private S3BlobBackend open(Path tier) throws IOException {
    return S3BlobBackend.open(
        TestBlobs.options(s3, prefix), CacheTier.open(tier, 64L << 20, BlobStoreOptions.defaults()));
  }

  private List<String> keys() {
    return s3.keys(BUCKET, prefix + "/");
  }

  private static String keyOf(String prefix, Digest d) {
    String hex = d.hex();
    return prefix + "/blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }

  @Test
  void ingestStoresVerifiedBytesUnderTheirContentAddress() throws IOException {
    byte[] data = TestBlobs.bytes(1, 100_000);
    Digest sha512 = TestBlobs.sha512(data);

    StoredBlob blob =
        backend.ingest(new ByteArrayInputStream(data), TestBlobs.exactly(data));

    assertEquals(sha512, blob.sha512());
    assertEquals(data.length, blob.size());
    assertTrue(blob.digests().get(DigestAlgorithm.SHA256).isPresent());
    assertEquals(List.of(keyOf(prefix, sha512)), keys());
    try (S3Client c = s3.client()) {
      assertArrayEquals(
          data, c.getObjectAsBytes(b -> b.bucket(BUCKET).key(keyOf(prefix, sha512))).asByteArray());
    }
    assertTrue(backend.contains(sha512));
    assertArrayEquals(data, Files.readAllBytes(backend.file(sha512).orElseThrow()));
  }

  @Test
  void ingestWithWrongSha512LeavesNothingReadable() throws IOException {
    byte[] data = TestBlobs.bytes(2, 5000);
    Expectation wrong = Expectation.of(data.length, Digests.of(List.of(TestBlobs.other(2))));

    assertThrows(
        DigestMismatchException.class,
        () -> backend.ingest(new ByteArrayInputStream(data), wrong));

    assertEquals(List.of(), keys());
    assertEquals(List.of(), TestBlobs.filesUnder(cacheDir.resolve("blobs")));
    assertEquals(List.of(), TestBlobs.filesUnder(cacheDir.resolve("tmp")));
    assertFalse(backend.contains(TestBlobs.sha512(data)));
  }

  @Test
  void ingestWithWrongSizeLeavesNothingReadable() throws IOException {
    byte[] data = TestBlobs.bytes(3, 5000);
    Digests right = Digests.of(List.of(TestBlobs.sha512(data)));

    assertThrows(
        SizeMismatchException.class,
        () -> backend.ingest(new ByteArrayInputStream(data), Expectation.of(4999, right)));
    assertThrows(
        SizeMismatchException.class,
        () -> backend.ingest(new ByteArrayInputStream(data), Expectation.of(5001, right)));

    assertEquals(List.of(), keys());
    assertEquals(List.of(), TestBlobs.filesUnder(cacheDir.resolve("tmp")));
    assertEquals(0, backend.tier().count());
  }

  @Test
  void writerDiscardedWithoutCommitUploadsNothing() throws IOException {
    byte[] data = TestBlobs.bytes(4, 1000);
    try (BlobWriter w = backend.newWriter(TestBlobs.exactly(data))) {
      w.write(data, 0, data.length);
    }
    assertEquals(List.of(), keys());
    assertEquals(List.of(), TestBlobs.filesUnder(cacheDir.resolve("tmp")));
  }

  @Test
  void ingestOfHeldContentUploadsNothingAgain() throws IOException {
    byte[] data = TestBlobs.bytes(5, 3000);
    backend.ingest(new ByteArrayInputStream(data), Expectation.none());
    long before = backend.requests();

    StoredBlob again = backend.ingest(new ByteArrayInputStream(data), TestBlobs.exactly(data));

    assertEquals(TestBlobs.sha512(data), again.sha512());
    assertEquals(1, backend.requests() - before, "one HEAD, no PUT");
  }

  @Test
  void listContainsAndDelete() throws IOException {
    List<Digest> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] data = TestBlobs.bytes(10 + i, 2000 + i);
      held.add(backend.ingest(new ByteArrayInputStream(data), Expectation.none()).sha512());
    }
    held.sort(Comparator.comparing(Digest::hex));

    assertEquals(held, backend.list(Optional.empty(), 10));
    assertEquals(held.subList(1, 2), backend.list(Optional.of(held.get(0)), 1));
    assertEquals(List.of(), backend.list(Optional.of(held.get(2)), 10));
    assertFalse(backend.contains(TestBlobs.other(9)));

    Path aside = backend.delete(held.get(1), "test says so").orElseThrow();

    assertFalse(backend.contains(held.get(1)));
    assertEquals(Optional.empty(), backend.file(held.get(1)));
    assertEquals(List.of(held.get(0), held.get(2)), backend.list(Optional.empty(), 10));
    assertEquals(1, backend.deleted());
    List<String> quarantined = s3.keys(BUCKET, prefix + "/quarantine/");
    assertEquals(List.of(aside.toString(), aside + ".reason"), quarantined);
    assertEquals(Optional.empty(), backend.delete(TestBlobs.other(9), "not there"));
  }

  @Test
  void largeBlobIsUploadedInPartsAndReadBackVerified(@TempDir Path otherTier)
      throws IOException {
    long size = 24L << 20;
    Digest sha512 = TestBlobs.sha512(TestBlobs.stream(24, size));
    long before = backend.requests();

    StoredBlob blob =
        backend.ingest(
            TestBlobs.stream(24, size),
            Expectation.of(size, Digests.of(List.of(sha512))));

    assertEquals(sha512, blob.sha512());
    // HEAD, create, five 5 MiB parts, complete.
    assertEquals(8, backend.requests() - before);
    assertEquals(List.of(keyOf(prefix, sha512)), keys());

    // A second server with an empty tier reads it back from the bucket.
    try (S3BlobBackend cold = open(otherTier)) {
      Path file = cold.file(sha512).orElseThrow();
      assertEquals(size, Files.size(file));
      assertEquals(sha512, TestBlobs.sha512(file));
    }
  }

  @Test
  void verifyTakesCorruptObjectsOutOfService() throws IOException {
    byte[] good = TestBlobs.bytes(30, 4000);
    byte[] bad = TestBlobs.bytes(31, 4000);
    Digest goodSha = backend.ingest(new ByteArrayInputStream(good), Expectation.none()).sha512();
    Digest badSha = backend.ingest(new ByteArrayInputStream(bad), Expectation.none()).sha512();
    try (S3Client c = s3.client()) {
      c.putObject(b -> b.bucket(BUCKET).key(keyOf(prefix, badSha)),
          RequestBody.fromBytes(TestBlobs.bytes(32, 4000)));
    }
    List<CorruptBlob> told = new ArrayList<>();

    ScrubReport report = backend.verify(told::add);

    assertEquals(2, report.checked());
    assertEquals(1, report.corrupt().size());
    assertEquals(report.corrupt(), told);
    assertEquals(Optional.of(badSha), told.get(0).expected());
    assertEquals(Optional.of(TestBlobs.sha512(TestBlobs.bytes(32, 4000))), told.get(0).actual());
    assertEquals(List.of(goodSha), backend.list(Optional.empty(), 10));
    assertFalse(backend.contains(badSha));
  }

  @Test
  void emptyBlobIsStoredAndReadBack(@TempDir Path otherTier) throws IOException {
    byte[] empty = new byte[0];
    Digest sha512 = backend.ingest(new ByteArrayInputStream(empty), TestBlobs.exactly(empty))
        .sha512();

    assertEquals(List.of(keyOf(prefix, sha512)), keys());
    try (S3BlobBackend cold = open(otherTier)) {
      assertEquals(0, Files.size(cold.file(sha512).orElseThrow()));
    }
  }

  @Test
  void fileOfAnAbsentBlobIsEmpty() {
    assertEquals(Optional.empty(), backend.file(TestBlobs.other(40)));
  }

  @Test
  void optionsParseAnS3Address() {
    S3Options o = S3Options.parse("s3://bucket/some/prefix/");
    assertEquals("bucket", o.bucket());
    assertEquals("some/prefix", o.prefix());
    assertEquals("", S3Options.parse("s3://bucket").prefix());
    assertThrows(IllegalArgumentException.class, () -> S3Options.parse("http://bucket"));
    assertThrows(IllegalArgumentException.class, () -> S3Options.parse("s3:///prefix"));
  }
}
