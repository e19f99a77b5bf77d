package org.distvault.storage.blob;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code O_DIRECT} needs: the file system's block size, and buffers aligned to it of {@link
 * ChunkDigester#CHUNK_SIZE} bytes, pooled; and a whole-file read past the page cache for the
 * scrub. O_DIRECT needs the buffer's address, every offset and every length to be multiples of the
 * block size. Thread-safe.
 */
final class DirectIo {
  /** Aligned buffers kept for reuse: allocating and zeroing a direct buffer per blob costs. */
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();

  private static final AtomicInteger POOLED = new AtomicInteger();
  private static final int MAX_POOLED = 32;

  /**
   * The block size of each directory's file system, as looked up once: {@link
   * Files#getFileStore} reads the mount table, a cost per blob otherwise. 0: no direct I/O.
   */
  private static final ConcurrentHashMap<Path, Integer> BLOCK_SIZES = new ConcurrentHashMap<>();

  private DirectIo() {}

  /** Receives the bytes of a read, between the buffer's position and its limit. */
  @FunctionalInterface
  interface Sink {
    void accept(ByteBuffer bytes) throws IOException;
  }

  /** The block size for direct I/O on {@code file}, or 0 where it does not suit the chunks. */
  static int blockSize(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Integer known = BLOCK_SIZES.get(dir);
    if (known != null) {
      return known;
    }
    long bs = Files.getFileStore(file).getBlockSize();
    int block = bs > 0 && bs <= ChunkDigester.CHUNK_SIZE && ChunkDigester.CHUNK_SIZE % bs == 0
        ? (int) bs : 0;
    BLOCK_SIZES.put(dir, block);
    return block;
  }

  /** A buffer of at least {@link ChunkDigester#CHUNK_SIZE} bytes whose address is block-aligned. */
  static ByteBuffer take(int block) {
    for (ByteBuffer b; (b = POOL.poll()) != null; ) {
      POOLED.decrementAndGet();
      if (b.alignmentOffset(0, block) == 0) {
        return b;
      }
    }
    return ByteBuffer.allocateDirect(ChunkDigester.CHUNK_SIZE + block).alignedSlice(block);
  }

  /** Returns a buffer from {@link #take} to the pool. */
  static void give(ByteBuffer b) {
    if (POOLED.incrementAndGet() <= MAX_POOLED) {
      POOL.add(b);
    } else {
      POOLED.decrementAndGet();
    }
  }

  /**
   * Reads {@code file} (links not followed) from its start to its end past the page cache, one
   * chunk at a time into {@code sink}; false where that cannot be done. Then {@code sink} may
   * have had part of the file (an odd short read before the end), or nothing (block 0, a file
   * system that refuses O_DIRECT, or any error opening the file): the caller starts again without
   * it, and a missing or unreadable file fails there with its own error.
   *
   * @param block the block size of the file's file system ({@link #blockSize}), 0 for none
   */
  static boolean readAll(Path file, int block, Sink sink) throws IOException {
    if (block == 0) {
      return false;
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(
          file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS, ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
    ByteBuffer buf = take(block);
    try (ch) {
      long size = ch.size();
      long pos = 0;
      while (true) {
        int n = ch.read(buf.clear());
        if (n < 0) {
          return true;
        }
        if (n == 0) {
          return false; // not expected of a regular file; no way to tell what comes next
        }
        pos += n;
        sink.accept(buf.flip());
        if (n % block != 0) {
          // The next read would start off the block grid, which O_DIRECT refuses: a short read
          // is fine only at the end of the file.
          return pos >= size;
        }
      }
    } finally {
      give(buf);
    }
  }
}
