package org.distvault.storage.blob;

import static org.distvault.storage.blob.TestContent.digest;
import static org.distvault.storage.blob.TestContent.entries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrub on real files: flipped bytes, invalid names, links and foreign directories. */
class ScrubberTest {
  @TempDir Path data;

  private BlobStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = BlobStore.open(data);
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  @Test
  void scrubQuarantinesAFlippedByteAndLeavesCleanBlobsUntouched() throws IOException {
    byte[] good1 = TestContent.bytes(1, 700_000);
    byte[] bad = TestContent.bytes(2, 1_300_000);
    byte[] good2 = TestContent.bytes(3, 5);
    StoredBlob clean1 = store.ingest(new ByteArrayInputStream(good1), Expectation.none());
    StoredBlob corrupted = store.ingest(new ByteArrayInputStream(bad), Expectation.none());
    StoredBlob clean2 = store.ingest(new ByteArrayInputStream(good2), Expectation.none());
    Object inode1 = fileKey(clean1.path());
    Object inode2 = fileKey(clean2.path());
    flipByte(corrupted.path(), 1_000_000);
    byte[] flipped = bad.clone();
    flipped[1_000_000] ^= 0x20;

    List<CorruptBlob> seen = new ArrayList<>();
    ScrubReport report = new Scrubber(store).scrub(seen::add);

    assertEquals(3, report.checked());
    assertEquals(700_000 + 1_300_000 + 5, report.bytes());
    assertEquals(1, report.corrupt().size());
    assertEquals(report.corrupt(), seen);
    CorruptBlob c = report.corrupt().get(0);
    Digest actual = digest(DigestAlgorithm.SHA512, flipped);
    Path q = data.resolve("quarantine").resolve(corrupted.sha512().hex());
    assertEquals(corrupted.path(), c.path());
    assertEquals(Optional.of(corrupted.sha512()), c.expected());
    assertEquals(Optional.of(actual), c.actual());
    assertEquals(1_300_000, c.size());
    assertEquals("content hashes to SHA512 " + actual.hex(), c.reason());
    assertEquals(q, c.quarantinedAs());
    assertArrayEquals(flipped, Files.readAllBytes(q));
    assertTrue(Files.readString(q.resolveSibling(q.getFileName() + ".reason"))
        .contains("reason: content hashes to SHA512 " + actual.hex() + "\n"));

    assertFalse(store.contains(corrupted.sha512()));
    assertEquals(Optional.empty(), store.open(corrupted.sha512()));
    assertArrayEquals(good1, Files.readAllBytes(clean1.path()));
    assertArrayEquals(good2, Files.readAllBytes(clean2.path()));
    assertEquals(inode1, fileKey(clean1.path()));
    assertEquals(inode2, fileKey(clean2.path()));

    ScrubReport again = new Scrubber(store).scrub();
    assertTrue(again.clean());
    assertEquals(2, again.checked());
  }

  @Test
  void scrubQuarantinesFilesOutsideTheLayoutAndSkipsForeignDirectories() throws IOException {
    StoredBlob blob =
        store.ingest(new ByteArrayInputStream(TestContent.bytes(4, 1000)), Expectation.none());
    Path root = store.layout().root();
    byte[] strayBytes = TestContent.bytes(5, 10);
    Path stray = Files.write(root.resolve("notes.txt"), strayBytes);
    Path misplaced = root.resolve("00/00").resolve(blob.sha512().hex());
    Files.createDirectories(misplaced.getParent());
    Files.copy(blob.path(), misplaced);
    Path link = blob.path().resolveSibling("link");
    Files.createSymbolicLink(link, blob.path());
    Path lostFound = Files.createDirectories(root.resolve("lost+found"));
    Files.write(lostFound.resolve("#1234"), new byte[3]);

    ScrubReport report = new Scrubber(store).scrub();

    assertEquals(1, report.checked(), "only the real blob is checked");
    assertEquals(List.of(lostFound), report.skipped());
    assertTrue(Files.exists(lostFound.resolve("#1234")), "foreign directory untouched");
    List<Path> paths = report.corrupt().stream().map(CorruptBlob::path).sorted().toList();
    assertEquals(List.of(misplaced, link, stray).stream().sorted().toList(), paths);
    for (CorruptBlob c : report.corrupt()) {
      assertEquals(Optional.empty(), c.expected());
      assertFalse(Files.exists(c.path(), LinkOption.NOFOLLOW_LINKS), c.path().toString());
      assertTrue(c.quarantinedAs().getFileName().toString().startsWith("invalid-"));
    }
    CorruptBlob strayReport =
        report.corrupt().stream().filter(c -> c.path().equals(stray)).findFirst().orElseThrow();
    assertEquals(Optional.of(digest(DigestAlgorithm.SHA512, strayBytes)), strayReport.actual());
    assertEquals("not a valid blob path", strayReport.reason());
    CorruptBlob linkReport =
        report.corrupt().stream().filter(c -> c.path().equals(link)).findFirst().orElseThrow();
    assertEquals("not a regular file", linkReport.reason());
    assertEquals(Optional.empty(), linkReport.actual());

    assertTrue(store.contains(blob.sha512()), "the real blob stays");
    assertEquals(
        List.of("invalid-" + blob.sha512().hex(), "invalid-" + blob.sha512().hex() + ".reason",
            "invalid-link", "invalid-link.reason", "invalid-notes.txt", "invalid-notes.txt.reason"),
        entries(data.resolve("quarantine")).stream().map(p -> p.getFileName().toString()).toList());
  }

  private static void flipByte(Path blob, long offset) throws IOException {
    Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x20);
    }
    Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("r--r--r--"));
  }

  private static Object fileKey(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }
}
