package org.distvault.storage.blob;

import static org.distvault.storage.blob.TestContent.digest;
import static org.distvault.storage.blob.TestContent.entries;
import static org.distvault.storage.blob.TestContent.filesUnder;
import static org.distvault.storage.blob.TestContent.wrong;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ingest, dedupe, serving look-ups, quarantine and start-up recovery on real files. */
class BlobStoreTest {
  /** Spans several 512 KiB chunks and ends mid-chunk. */
  private static final int SIZE = 3 * 512 * 1024 + 12_345;

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path data;

  private final List<BlobStore> opened = new ArrayList<>();

  @AfterEach
  void closeStores() throws IOException {
    for (BlobStore s : opened) {
      s.close();
    }
  }

  private BlobStore open(HashingMode mode) throws IOException {
    return open(BlobStoreOptions.defaults().withHashing(mode).withClock(CLOCK));
  }

  private BlobStore open(BlobStoreOptions options) throws IOException {
    BlobStore s = BlobStore.open(data, options);
    opened.add(s);
    return s;
  }

  private static Digests modernDistinfo(byte[] content) {
    return Digests.of(
        List.of(
            digest(DigestAlgorithm.BLAKE2S, content), digest(DigestAlgorithm.SHA512, content)));
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void ingestStoresTheExactBytesUnderTheirSha512(HashingMode mode) throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(1, SIZE);
    Digest sha512 = digest(DigestAlgorithm.SHA512, content);

    StoredBlob blob = ingest(store, content, Expectation.of(SIZE, modernDistinfo(content)));

    assertEquals(sha512, blob.sha512());
    assertEquals(SIZE, blob.size());
    assertEquals(data.resolve("blobs/sha512").resolve(sha512.hex().substring(0, 2))
        .resolve(sha512.hex().substring(2, 4)).resolve(sha512.hex()), blob.path());
    assertArrayEquals(content, Files.readAllBytes(blob.path()));
    assertEquals(
        EnumSet.of(DigestAlgorithm.SHA512, DigestAlgorithm.SHA256, DigestAlgorithm.BLAKE2S),
        blob.digests().algorithms());
    for (DigestAlgorithm a : blob.digests().algorithms()) {
      assertEquals(digest(a, content), blob.digests().get(a).orElseThrow(), a.distinfoName());
    }
    assertEquals(List.of(), entries(data.resolve("tmp")));
    assertEquals(List.of(blob.path()), filesUnder(data.resolve("blobs/sha512")));
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void ingestComputesEveryAlgorithmAskedFor(HashingMode mode) throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(2, SIZE);

    StoredBlob blob =
        store.ingest(
            new ByteArrayInputStream(content),
            Expectation.none().alsoComputing(DigestAlgorithm.values()));

    assertEquals(EnumSet.allOf(DigestAlgorithm.class), blob.digests().algorithms());
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      assertEquals(digest(a, content), blob.digests().get(a).orElseThrow(), a.distinfoName());
    }
  }

  @Test
  void emptyContentIsABlobToo() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    StoredBlob blob =
        store.ingest(new ByteArrayInputStream(new byte[0]), Expectation.of(0, Digests.empty()));
    assertEquals(digest(DigestAlgorithm.SHA512, new byte[0]), blob.sha512());
    assertEquals(0, Files.size(blob.path()));
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void blobFilesAreReadOnly(HashingMode mode) throws IOException {
    BlobStore store = open(mode);
    StoredBlob blob =
        store.ingest(new ByteArrayInputStream(TestContent.bytes(3, 1000)), Expectation.none());
    assertEquals(
        "r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(blob.path())));
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void writerDrivenByTheCallerInOddPiecesStoresTheSameBlob(HashingMode mode) throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(4, SIZE);
    StoredBlob blob;
    try (BlobWriter w = store.newWriter(Expectation.of(SIZE, modernDistinfo(content)))) {
      w.write(content[0]);
      int off = 1;
      for (int piece = 1; off < content.length; piece = piece * 3 + 1) {
        int n = Math.min(piece, content.length - off);
        w.write(content, off, n);
        off += n;
      }
      assertEquals(SIZE, w.count());
      blob = w.commit();
    }
    assertArrayEquals(content, Files.readAllBytes(blob.path()));
    assertEquals(List.of(), entries(data.resolve("tmp")));
  }

  @Test
  void writerClosedWithoutCommitLeavesNothingBehind() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    Path temp;
    try (BlobWriter w = store.newWriter(Expectation.none())) {
      w.write(TestContent.bytes(5, SIZE));
      temp = w.tempFile();
      assertTrue(Files.exists(temp));
    }
    assertFalse(Files.exists(temp));
    assertNothingStored();
  }

  /** The expectations that must fail, each with the error it must give. */
  static Stream<Arguments> wrongExpectations() {
    byte[] content = TestContent.bytes(6, SIZE);
    Digest sha512 = digest(DigestAlgorithm.SHA512, content);
    Digest blake2s = digest(DigestAlgorithm.BLAKE2S, content);
    Digest sha1 = digest(DigestAlgorithm.SHA1, content);
    return Stream.of(HashingMode.values())
        .flatMap(
            mode ->
                Stream.of(
                    Arguments.of(mode, "wrong SHA512",
                        Expectation.of(SIZE, Digests.of(List.of(blake2s, wrong(sha512)))),
                        wrong(sha512), sha512),
                    Arguments.of(mode, "wrong BLAKE2s",
                        Expectation.of(SIZE, Digests.of(List.of(wrong(blake2s), sha512))),
                        wrong(blake2s), blake2s),
                    Arguments.of(mode, "wrong SHA1",
                        Expectation.of(SIZE, Digests.of(List.of(blake2s, sha512, wrong(sha1)))),
                        wrong(sha1), sha1)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("wrongExpectations")
  void ingestWithAWrongDigestNamesTheAlgorithmAndLeavesNothingBehind(
      HashingMode mode, String label, Expectation expected, Digest wantExpected, Digest wantActual)
      throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(6, SIZE);

    DigestMismatchException e =
        assertThrows(
            DigestMismatchException.class,
            () -> ingest(store, content, expected));

    assertEquals(wantExpected, e.expected());
    assertEquals(wantActual, e.actual());
    assertEquals(
        wantExpected.algorithm().distinfoName() + " mismatch: expected " + wantExpected.hex()
            + ", got " + wantActual.hex(),
        e.getMessage());
    assertNothingStored();
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void ingestShorterThanExpectedGivesSizeMismatchAndLeavesNothingBehind(HashingMode mode)
      throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(7, SIZE);

    SizeMismatchException e =
        assertThrows(
            SizeMismatchException.class,
            () -> ingest(store, content, Expectation.of(SIZE + 1, modernDistinfo(content))));

    assertEquals(SIZE + 1, e.expected());
    assertEquals(SIZE, e.actual());
    assertFalse(e.actualIsLowerBound());
    assertEquals("Size mismatch: expected " + (SIZE + 1) + " bytes, got " + SIZE, e.getMessage());
    assertNothingStored();
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void ingestLongerThanExpectedStopsAtTheFirstExtraByte(HashingMode mode) throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(8, SIZE);
    TestContent.EndlessStream endless = new TestContent.EndlessStream();

    SizeMismatchException e =
        assertThrows(
            SizeMismatchException.class,
            () -> ingest(store, content, Expectation.of(SIZE - 1, Digests.empty())));
    assertEquals(SIZE - 1, e.expected());
    assertEquals(SIZE, e.actual());
    assertTrue(e.actualIsLowerBound());
    assertEquals(
        "Size mismatch: expected " + (SIZE - 1) + " bytes, got " + SIZE
            + " or more (stopped reading)",
        e.getMessage());

    SizeMismatchException endlessError =
        assertThrows(
            SizeMismatchException.class,
            () -> store.ingest(endless, Expectation.of(SIZE, Digests.empty())));
    assertEquals(SIZE + 1, endlessError.actual());
    assertEquals(SIZE + 1, endless.read, "bytes read from the endless stream");
    assertNothingStored();
  }

  /** Blobs below one chunk get a buffer of their own size plus one byte: each edge of that. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1000, 512 * 1024 - 1, 512 * 1024})
  void aSmallBlobOfExactlyItsSizeIsStoredAndOneByteMoreOrLessIsRefused(int size) throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    byte[] content = TestContent.bytes(9, size);
    StoredBlob stored = ingest(store, content, Expectation.of(size, modernDistinfo(content)));
    assertEquals(size, stored.size());
    assertArrayEquals(content, Files.readAllBytes(stored.path()));

    byte[] longer = TestContent.bytes(10, size + 1);
    SizeMismatchException tooLong = assertThrows(SizeMismatchException.class,
        () -> ingest(store, longer, Expectation.of(size, Digests.empty())));
    assertEquals(size + 1, tooLong.actual());
    assertTrue(tooLong.actualIsLowerBound());
    try (BlobWriter w = store.newWriter(Expectation.of(size, Digests.empty()))) {
      assertThrows(SizeMismatchException.class, () -> w.write(longer));
    }
    if (size > 0) {
      byte[] shorter = TestContent.bytes(11, size - 1);
      SizeMismatchException tooShort = assertThrows(SizeMismatchException.class,
          () -> ingest(store, shorter, Expectation.of(size, Digests.empty())));
      assertEquals(size - 1, tooShort.actual());
    }
    assertEquals(List.of(), entries(data.resolve("tmp")), "DATA/tmp");
  }

  @Test
  void endlessStreamWithoutExpectedSizeStopsAtTheStoreLimit() throws IOException {
    BlobStore store = open(BlobStoreOptions.defaults().withMaxBlobSize(5_000_000));
    TestContent.EndlessStream endless = new TestContent.EndlessStream();

    BlobTooLargeException e =
        assertThrows(BlobTooLargeException.class, () -> store.ingest(endless, Expectation.none()));

    assertEquals(5_000_000, e.limit());
    assertEquals(5_000_001, e.atLeast());
    assertEquals(5_000_001, endless.read);
    assertNothingStored();
  }

  @Test
  void expectedSizeAboveTheStoreLimitIsRefusedBeforeReading() throws IOException {
    BlobStore store = open(BlobStoreOptions.defaults().withMaxBlobSize(1000));
    TestContent.EndlessStream endless = new TestContent.EndlessStream();

    BlobTooLargeException e =
        assertThrows(
            BlobTooLargeException.class,
            () -> store.ingest(endless, Expectation.of(1001, Digests.empty())));

    assertEquals(1001, e.atLeast());
    assertEquals(0, endless.read);
    assertNothingStored();
  }

  @Test
  void writerIsSpentAfterAFailedWrite() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    try (BlobWriter w = store.newWriter(Expectation.of(10, Digests.empty()))) {
      assertThrows(SizeMismatchException.class, () -> w.write(new byte[11]));
      assertFalse(Files.exists(w.tempFile()), "temp deleted at once");
      assertThrows(IllegalStateException.class, () -> w.write(1));
      assertThrows(IllegalStateException.class, w::commit);
    }
    assertNothingStored();
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void secondIngestOfTheSameContentReturnsTheExistingBlobUntouched(HashingMode mode)
      throws IOException {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(9, SIZE);
    StoredBlob first = ingest(store, content, Expectation.none());
    Object inode = Files.readAttributes(first.path(), BasicFileAttributes.class).fileKey();

    StoredBlob second =
        ingest(store, content, Expectation.of(SIZE, modernDistinfo(content)));

    assertEquals(first.path(), second.path());
    assertEquals(first.sha512(), second.sha512());
    assertEquals(inode, Files.readAttributes(second.path(), BasicFileAttributes.class).fileKey());
    assertEquals(List.of(first.path()), filesUnder(data.resolve("blobs/sha512")));
    assertEquals(List.of(), entries(data.resolve("tmp")));
  }

  @ParameterizedTest
  @EnumSource(HashingMode.class)
  void concurrentIngestsOfTheSameContentEndWithOneBlobAndAllSucceed(HashingMode mode)
      throws Exception {
    BlobStore store = open(mode);
    byte[] content = TestContent.bytes(10, SIZE);
    Digest sha512 = digest(DigestAlgorithm.SHA512, content);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<StoredBlob>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return ingest(store, content, Expectation.of(SIZE, modernDistinfo(content)));
        }));
      }
      start.countDown();
      for (Future<StoredBlob> f : results) {
        StoredBlob b = f.get(60, TimeUnit.SECONDS);
        assertEquals(sha512, b.sha512());
        assertEquals(store.layout().path(sha512), b.path());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(store.layout().path(sha512)), filesUnder(data.resolve("blobs/sha512")));
    assertArrayEquals(content, Files.readAllBytes(store.layout().path(sha512)));
    assertEquals(List.of(), entries(data.resolve("tmp")));
  }

  @Test
  void storedFileOfTheWrongSizeIsQuarantinedAndReplacedByTheVerifiedIngest() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    byte[] content = TestContent.bytes(11, SIZE);
    Digest sha512 = digest(DigestAlgorithm.SHA512, content);
    Path target = store.layout().path(sha512);
    Files.createDirectories(target.getParent());
    Files.write(target, "truncated".getBytes(StandardCharsets.US_ASCII));

    StoredBlob blob = ingest(store, content, Expectation.none());

    assertArrayEquals(content, Files.readAllBytes(blob.path()));
    Path quarantined = data.resolve("quarantine").resolve(sha512.hex());
    assertEquals("truncated", Files.readString(quarantined));
    assertTrue(Files.readString(data.resolve("quarantine").resolve(sha512.hex() + ".reason"))
        .contains("reason: replaced by a verified ingest of " + SIZE
            + " bytes; the stored file had 9 bytes\n"));
  }

  @Test
  void openContainsAndSizeServeStoredBlobsOnly() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    byte[] content = TestContent.bytes(12, SIZE);
    StoredBlob blob = ingest(store, content, Expectation.none());
    Digest absent = wrong(blob.sha512());

    assertTrue(store.contains(blob.sha512()));
    assertEquals(OptionalLong.of(SIZE), store.size(blob.sha512()));
    try (FileChannel ch = store.open(blob.sha512()).orElseThrow()) {
      assertArrayEquals(content, readAll(ch));
    }
    assertFalse(store.contains(absent));
    assertEquals(OptionalLong.empty(), store.size(absent));
    assertEquals(Optional.empty(), store.open(absent));
  }

  @Test
  void quarantineMovesTheBlobAsideWithItsReason() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    byte[] content = TestContent.bytes(13, 1000);
    StoredBlob blob = ingest(store, content, Expectation.none());
    String hex = blob.sha512().hex();

    Optional<Path> moved = store.quarantine(blob.sha512(), "upstream re-rolled\nthe tarball");

    Path q = data.resolve("quarantine");
    assertEquals(Optional.of(q.resolve(hex)), moved);
    assertArrayEquals(content, Files.readAllBytes(q.resolve(hex)));
    assertEquals(
        "file: blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex + "\n"
            + "size: 1000\n"
            + "quarantined: 2026-01-02T03:04:05Z\n"
            + "reason: upstream re-rolled the tarball\n",
        Files.readString(q.resolve(hex + ".reason")));
    assertFalse(store.contains(blob.sha512()));
    assertEquals(Optional.empty(), store.open(blob.sha512()));
    assertEquals(Optional.empty(), store.quarantine(blob.sha512(), "again"));

    // The same content again, quarantined again, lands beside the first under a new name.
    ingest(store, content, Expectation.none());
    assertEquals(Optional.of(q.resolve(hex + ".1")), store.quarantine(blob.sha512(), "twice"));
    assertEquals(
        List.of(
            q.resolve(hex), q.resolve(hex + ".1"), q.resolve(hex + ".1.reason"),
            q.resolve(hex + ".reason")),
        entries(q));
    assertEquals(List.of(), entries(data.resolve("tmp")));
  }

  @Test
  void openRemovesEveryLeftoverInTmp() throws IOException {
    open(HashingMode.THREAD_PER_ALGORITHM).close();
    opened.clear();
    Path tmp = data.resolve("tmp");
    Files.write(tmp.resolve("ingest-1.part"), new byte[100]);
    Path ro = Files.write(tmp.resolve("ingest-2.part"), new byte[20]);
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--r--r--"));
    Files.createDirectories(tmp.resolve("stray/deeper"));
    Files.write(tmp.resolve("stray/deeper/x"), new byte[3]);

    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);

    assertEquals(List.of("ingest-1.part", "ingest-2.part", "stray"), store.recovery().removed());
    assertEquals(123, store.recovery().bytes());
    assertEquals(List.of(), entries(tmp));
  }

  @Test
  void secondOpenOfTheSameDataDirectoryIsRefused() throws IOException {
    open(HashingMode.THREAD_PER_ALGORITHM);
    IOException e = assertThrows(IOException.class, () -> BlobStore.open(data));
    assertTrue(e.getMessage().endsWith("is already open in this process"), e.getMessage());
  }

  @Test
  void closedStoreRefusesWritersAndReleasesTheDirectory() throws IOException {
    BlobStore store = open(HashingMode.THREAD_PER_ALGORITHM);
    store.close();
    assertThrows(IllegalStateException.class, () -> store.newWriter(Expectation.none()));
    try (BlobStore again = BlobStore.open(data)) {
      assertEquals(List.of(), again.recovery().removed());
    }
  }

  private static StoredBlob ingest(BlobStore store, byte[] content, Expectation expected)
      throws IOException {
    return store.ingest(new ByteArrayInputStream(content), expected);
  }

  private void assertNothingStored() {
    assertEquals(List.of(), entries(data.resolve("tmp")), "DATA/tmp");
    assertEquals(List.of(), filesUnder(data.resolve("blobs/sha512")), "DATA/blobs/sha512");
  }

  private static byte[] readAll(FileChannel ch) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate((int) ch.size());
    while (bb.hasRemaining() && ch.read(bb) >= 0) {
      // keep reading until full
    }
    return bb.array();
  }
}
