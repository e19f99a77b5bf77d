package org.distvault.storage.blob;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
 * the file system's block size ({@link DirectIo}). Every chunk but the last is {@link
 * ChunkDigester#CHUNK_SIZE}, a multiple of it; the last is padded with zeros to the next multiple,
 * and {@link #finish} cuts the file back to the bytes written. A file system that refuses
 * O_DIRECT, or whose block size does not divide the chunk size, gets no DirectOutput: {@link
 * #open} returns null and the caller writes through the page cache as before.
 */
final class DirectOutput {
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
      block = DirectIo.blockSize(file);
      if (block == 0) {
        return null;
      }
      channel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      return null; // e.g. EINVAL from a file system without O_DIRECT: the page cache it is
    }
    return new DirectOutput(channel, block, DirectIo.take(block));
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
      DirectIo.give(b);
    }
    channel.close();
  }
}
