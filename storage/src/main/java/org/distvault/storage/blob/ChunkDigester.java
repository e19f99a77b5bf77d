package org.distvault.storage.blob;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Executor;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * Digests a stream handed over in whole chunks, owning the chunk buffers so that hashing may run
 * on other threads while the caller fills the next one.
 *
 * <p>Protocol: fill the array returned by {@link #buffer()}, pass it to {@link #hash}, and from
 * then on use only the array that the next {@link #buffer()} returns; finally {@link #finish()} or
 * {@link #abort()}. Single use; only one thread may call it.
 */
interface ChunkDigester {
  /** Size of every chunk buffer. */
  int CHUNK_SIZE = 512 * 1024;

  /** Creates the digester for {@code mode}; worker threads, if any, come from {@code executor}. */
  static ChunkDigester create(
      HashingMode mode, Set<DigestAlgorithm> algorithms, Executor executor) {
    return switch (mode) {
      case SINGLE_THREAD -> new SequentialDigester(algorithms, CHUNK_SIZE);
      case THREAD_PER_ALGORITHM -> new ParallelDigester(algorithms, executor, 4, CHUNK_SIZE);
    };
  }

  /**
   * A single-thread digester for a blob of {@code size} bytes, at most one chunk, whose one buffer
   * holds the blob and the one byte more that proves a body too long: a small blob does not
   * allocate (and zero) a whole {@link #CHUNK_SIZE} buffer.
   */
  static ChunkDigester forSmall(Set<DigestAlgorithm> algorithms, long size) {
    if (size < 0 || size > CHUNK_SIZE) {
      throw new IllegalArgumentException("not a small blob: " + size + " bytes");
    }
    return new SequentialDigester(algorithms, (int) size + 1);
  }

  /** A free buffer to fill ({@link #CHUNK_SIZE} bytes, or less from {@link #forSmall}); may wait for the workers to free one. */
  byte[] buffer() throws IOException;

  /** Hands over the first {@code len} bytes of {@code buf}; the caller must not touch it again. */
  void hash(byte[] buf, int len) throws IOException;

  /** Waits for every chunk to be hashed and returns the digests. */
  Digests finish() throws IOException;

  /** Stops hashing and releases the workers; safe to call more than once, and after finish. */
  void abort();
}
