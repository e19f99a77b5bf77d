package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.MultiDigester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory copies of small blobs, read from real files: only verified bytes, bounded, tied to the file. */
class HotBlobsTest {
  @TempDir Path dir;

  @Test
  void aCopyHoldsTheBlobsBytesAndIsGivenOnlyForTheSameFile() throws IOException {
    byte[] content = bytes(1, 20_000);
    Path file = write("a", content);
    HotBlobs hot = new HotBlobs(1 << 20);
    VerifiedFiles.Identity id = VerifiedFiles.identify(file);
    ByteBuffer filled = fill(hot, sha512(content), content.length, id, file);
    assertArrayEquals(content, array(filled));
    assertArrayEquals(content, array(hot.get(sha512(content), id).orElseThrow()));
    assertEquals(20_000, hot.bytes());

    Files.write(file, content); // the same bytes, written again: another change time
    VerifiedFiles.Identity again = new VerifiedFiles.Identity(id.device(), id.inode(), id.size(), id.modified(),
        "another change time");
    assertTrue(hot.get(sha512(content), again).isEmpty(), "a file written since is not answered from memory");
  }

  @Test
  void bytesThatAreNotTheBlobsAreRefusedAndNotKept() throws IOException {
    byte[] content = bytes(2, 10_000);
    byte[] flipped = content.clone();
    flipped[5] ^= 1;
    Path file = write("b", flipped);
    HotBlobs hot = new HotBlobs(1 << 20);
    VerifiedFiles.Identity id = VerifiedFiles.identify(file);
    CorruptBlobException e = assertThrows(CorruptBlobException.class,
        () -> fill(hot, sha512(content), content.length, id, file));
    assertTrue(e.getMessage().contains("hashes to SHA512 " + sha512(flipped).hex()), e.getMessage());
    assertTrue(hot.get(sha512(content), id).isEmpty());
    assertEquals(0, hot.bytes());

    Path shorter = write("c", java.util.Arrays.copyOf(content, 9_000));
    VerifiedFiles.Identity shortId = VerifiedFiles.identify(shorter);
    CorruptBlobException cut = assertThrows(CorruptBlobException.class,
        () -> fill(hot, sha512(content), content.length, shortId, shorter));
    assertTrue(cut.getMessage().contains("9000 of 10000 bytes"), cut.getMessage());
    assertEquals(0, hot.bytes());
  }

  @Test
  void theBudgetBoundsTheBytesKept() throws IOException {
    HotBlobs hot = new HotBlobs(50_000);
    assertFalse(hot.fits(HotBlobs.MAX_BLOB_BYTES + 1L));
    assertTrue(hot.fits(20_000));
    for (int i = 0; i < 10; i++) {
      byte[] content = bytes(10 + i, 20_000);
      Path file = write("f" + i, content);
      fill(hot, sha512(content), content.length, VerifiedFiles.identify(file), file);
      assertTrue(hot.bytes() <= 50_000, "after copy " + i + ": " + hot.bytes());
    }
    assertEquals(40_000, hot.bytes(), "two copies of 20,000 bytes fit");
    assertFalse(new HotBlobs(1000).fits(2000), "larger than the whole budget");
  }

  private static ByteBuffer fill(HotBlobs hot, Digest sha512, long size, VerifiedFiles.Identity id, Path file)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return hot.fill(sha512, size, id, ch);
    }
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static byte[] array(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Digest sha512(byte[] content) {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512);
    d.update(content, 0, content.length);
    return d.finish().get(DigestAlgorithm.SHA512).orElseThrow();
  }
}
