package org.distvault.storage.blob;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a temp file with {@code O_DIRECT}: each chunk goes from one aligned buffer straight to
 * the disk, bypassing the page cache.
 *
 * <p>Why: a blob is fsynced before it is reported stored, so its bytes reach the disk within the
 * ingest anyway. Through the page cache they cost a copy into freshly allocated cache pages and
 * then the writeback at fsync; directly, one transfer. It also keeps a prefetch of tens of
 * gigabytes from evicting the blobs the build hosts are being served from the page cache.
 *
 * <p>O_DIRECT needs the buffer's address, every write's offset and its length to be multiples of
 * the file system's block size. Every chunk but the last is {@link ChunkDigester#CHUNK_SIZE}, a
 * multiple of it; the last is padded with zeros to the next multiple, and {@link #finish} cuts the
 * file back to the bytes written. A file system that refuses O_DIRECT, or whose block size does not
 * divide the chunk size, gets no DirectOutput: {@link #open} returns null and the caller writes
 * through the page cache as before.
 */
final class DirectOutput {
  /** Aligned buffers kept for reuse: allocating and zeroing a direct buffer per blob costs. */
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();

  private static final AtomicInteger POOLED = new AtomicInteger();
  private static final int MAX_POOLED = 32;

  /**
   * The block size of each directory's file system, as looked up once: {@link
   * Files#getFileStore} reads the mount table, a cost per blob otherwise. 0: no direct writes.
   */
  private static final ConcurrentHashMap<Path, Integer> BLOCK_SIZES = new ConcurrentHashMap<>();

  private final FileChannel channel;
  private final int block;
  private ByteBuffer buffer;
  private long size;
  private boolean padded;

  private DirectOutput(FileChannel channel, int block, ByteBuffer buffer) {
    this.channel = channel;
    this.block = block;
    this.buffer = buffer;
  }

  /**
   * Opens {@code file}, which exists and is empty, a second time for direct writes; null when its
   * file system does not allow them.
   */
  static DirectOutput open(Path file) {
    FileChannel channel;
    int block;
    try {
      block = blockSize(file);
      if (block == 0) {
        return null;
      }
      channel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      return null; // e.g. EINVAL from a file system without O_DIRECT: the page cache it is
    }
    return new DirectOutput(channel, block, take(block));
  }

  /** The block size for direct writes to {@code file}, or 0 where it does not suit the chunks. */
  private static int blockSize(Path file) throws IOException {
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

  /**
   * Writes {@code len} bytes of {@code chunk}; a length that is not a multiple of the block size
   * must be the last write.
   */
  void write(byte[] chunk, int len) throws IOException {
    if (padded) {
      throw new IllegalStateException("DirectOutput written after its padded last chunk");
    }
    ByteBuffer out = buffer.clear();
    out.put(chunk, 0, len);
    int rest = len % block;
    if (rest != 0) {
      out.put(new byte[block - rest]);
      padded = true;
    }
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    size += len;
  }

  /** Cuts off the padding, makes the data and the file's size durable and closes the file. */
  void finish() throws IOException {
    if (padded) {
      channel.truncate(size);
    }
    channel.force(true);
    close();
  }

  /** Closes the file (idempotent) and returns the buffer to the pool. */
  void close() throws IOException {
    ByteBuffer b = buffer;
    buffer = null;
    if (b != null) {
      give(b);
    }
    channel.close();
  }

  private static ByteBuffer take(int block) {
    for (ByteBuffer b; (b = POOL.poll()) != null; ) {
      POOLED.decrementAndGet();
      if (b.alignmentOffset(0, block) == 0) {
        return b;
      }
    }
    return ByteBuffer.allocateDirect(ChunkDigester.CHUNK_SIZE + block).alignedSlice(block);
  }

  private static void give(ByteBuffer b) {
    if (POOLED.incrementAndGet() <= MAX_POOLED) {
      POOL.add(b);
    } else {
      POOLED.decrementAndGet();
    }
  }
}
