package org.distvault.storage.blob;

import static org.distvault.storage.blob.TestContent.digest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blobs above one chunk are written with O_DIRECT (checked on the open descriptor through
 * {@code /proc/self/fdinfo}), padded to the block size and cut back, and end byte for byte as the
 * page-cache path ends; blobs of one chunk and blobs of unknown size keep the page cache. The
 * scrub's whole-file read goes past the page cache too and hands over every byte.
 */
class DirectIoTest {
  private static final int CHUNK = ChunkDigester.CHUNK_SIZE;
  /** O_DIRECT in the flags of /proc/self/fdinfo, in octal: 0200000 on arm64, 040000 on x86-64. */
  private static final int O_DIRECT =
      "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;

  @TempDir Path data;

  private BlobStore store;

  @AfterEach
  void close() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  /** The flags of every descriptor of this process open on {@code file}. */
  private static List<Integer> flagsOfDescriptorsOn(Path file) throws IOException {
    List<Integer> flags = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        Path target;
        try {
          target = Files.readSymbolicLink(fd);
        } catch (IOException gone) {
          continue; // the descriptor of the listing itself, closed by now
        }
        if (target.equals(file)) {
          String info = Files.readString(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()));
          String line = info.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
          flags.add(Integer.parseInt(line.substring("flags:".length()).trim(), 8));
        }
      }
    }
    return flags;
  }

  /** Skips a test where the temp dir's file system refuses O_DIRECT (tried without our code). */
  private void assumeDirectAllowed() throws IOException {
    Path probe = data.resolve("probe");
    try (FileChannel c = FileChannel.open(probe, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      assertTrue(c.isOpen());
    } catch (IOException | UnsupportedOperationException e) {
      assumeTrue(false, "the file system of " + data + " refuses O_DIRECT: " + e);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static Digests distinfo(byte[] content) {
    return Digests.of(List.of(
        digest(DigestAlgorithm.BLAKE2S, content), digest(DigestAlgorithm.SHA512, content)));
  }

  @ParameterizedTest
  @ValueSource(ints = {CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 4096, 3 * CHUNK + 12_345, 4 * CHUNK - 1})
  void aBlobAboveOneChunkIsWrittenDirectlyAndStoredExactly(int size) throws IOException {
    assumeDirectAllowed();
    store = BlobStore.open(data, BlobStoreOptions.defaults());
    byte[] content = TestContent.bytes(size, size);
    StoredBlob blob;
    try (BlobWriter w = store.newWriter(Expectation.of(size, distinfo(content)))) {
      w.write(content, 0, CHUNK + 1);
      List<Integer> flags = flagsOfDescriptorsOn(w.tempFile());
      assertEquals(1, flags.size(), "one descriptor on the temp file, the direct one: " + flags);
      assertEquals(O_DIRECT, flags.get(0) & O_DIRECT, Integer.toOctalString(flags.get(0)));
      w.write(content, CHUNK + 1, size - CHUNK - 1);
      blob = w.commit();
    }
    assertEquals(size, Files.size(blob.path()));
    assertArrayEquals(content, Files.readAllBytes(blob.path()));
    assertEquals(digest(DigestAlgorithm.SHA256, content),
        blob.digests().get(DigestAlgorithm.SHA256).orElseThrow());
    try (Stream<Path> tmp = Files.list(data.resolve("tmp"))) {
      assertEquals(0, tmp.count());
    }
  }

  @Test
  void aBlobOfOneChunkOrOfUnknownSizeKeepsThePageCache() throws IOException {
    store = BlobStore.open(data, BlobStoreOptions.defaults());
    byte[] content = TestContent.bytes(7, CHUNK);
    for (Expectation e : List.of(Expectation.of(CHUNK, distinfo(content)), Expectation.none())) {
      try (BlobWriter w = store.newWriter(e)) {
        w.write(content);
        List<Integer> flags = flagsOfDescriptorsOn(w.tempFile());
        assertEquals(1, flags.size(), e + ": " + flags);
        assertEquals(0, flags.get(0) & O_DIRECT, e + ": " + Integer.toOctalString(flags.get(0)));
        assertArrayEquals(content, Files.readAllBytes(w.commit().path()));
      }
    }
  }

  @Test
  void aDirectBlobWithAWrongDigestLeavesNothingBehind() throws IOException {
    store = BlobStore.open(data, BlobStoreOptions.defaults());
    byte[] content = TestContent.bytes(8, 2 * CHUNK + 100);
    byte[] other = content.clone();
    other[CHUNK + 50] ^= 1;
    Path temp;
    try (BlobWriter w = store.newWriter(Expectation.of(content.length, distinfo(other)))) {
      temp = w.tempFile();
      w.write(content);
      assertThrows(DigestMismatchException.class, w::commit);
    }
    assertFalse(Files.exists(temp));
    try (Stream<Path> blobs = Files.walk(data.resolve("blobs/sha512"))) {
      assertEquals(0, blobs.filter(Files::isRegularFile).count());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4095, 4096, 4097, CHUNK, CHUNK + 1, 3 * CHUNK + 12_345})
  void readAllHandsOverEveryByteThroughADirectDescriptor(int size) throws IOException {
    assumeDirectAllowed();
    byte[] content = TestContent.bytes(size, size);
    Path file = Files.write(data.resolve("blob"), content);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    List<List<Integer>> flagsSeen = new ArrayList<>();
    assertTrue(DirectIo.readAll(file, DirectIo.blockSize(file), bytes -> {
      flagsSeen.add(flagsOfDescriptorsOn(file));
      byte[] piece = new byte[bytes.remaining()];
      bytes.get(piece);
      got.write(piece);
    }));
    assertArrayEquals(content, got.toByteArray());
    assertEquals((size + CHUNK - 1) / CHUNK, flagsSeen.size(), "one call per chunk read");
    for (List<Integer> flags : flagsSeen) {
      assertEquals(1, flags.size(), flags.toString());
      assertEquals(O_DIRECT, flags.get(0) & O_DIRECT, Integer.toOctalString(flags.get(0)));
    }
  }

  @Test
  void readAllOfAMissingFileOrWithoutABlockSizeReadsNothing() throws IOException {
    List<ByteBuffer> calls = new ArrayList<>();
    assertFalse(DirectIo.readAll(data.resolve("absent"), 4096, calls::add));
    assertFalse(DirectIo.readAll(Files.write(data.resolve("present"), new byte[10]), 0, calls::add),
        "block 0: no direct read");
    assertEquals(List.of(), calls);
  }

  @Test
  void theLastWriteIsPaddedAndCutBackAndNothingMayFollowIt() throws IOException {
    assumeDirectAllowed();
    Path file = Files.createFile(data.resolve("f"));
    DirectOutput out = DirectOutput.open(file);
    byte[] chunk = TestContent.bytes(9, CHUNK);
    try {
      out.write(chunk, CHUNK);
      out.write(chunk, 10);
      assertEquals(CHUNK + Files.getFileStore(file).getBlockSize(), Files.size(file),
          "padded to the block size until finish");
      assertThrows(IllegalStateException.class, () -> out.write(chunk, CHUNK));
      out.finish();
    } finally {
      out.close();
    }
    byte[] expected = new byte[CHUNK + 10];
    System.arraycopy(chunk, 0, expected, 0, CHUNK);
    System.arraycopy(chunk, 0, expected, CHUNK, 10);
    assertArrayEquals(expected, Files.readAllBytes(file));
  }
}
