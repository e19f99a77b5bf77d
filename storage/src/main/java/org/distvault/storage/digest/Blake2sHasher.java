package org.distvault.storage.digest;

import java.util.Arrays;
import java.util.Objects;

/**
 * A BLAKE2s-256 hasher (RFC 7693, unkeyed): buffering around the {@link Blake2s} compression.
 *
 * <p>Whole blocks are compressed straight from the caller's array. BLAKE2 flags the last block,
 * so one block, even a full one, always stays in the buffer until {@link #finish()}.
 */
final class Blake2sHasher implements Hasher {
  private final Blake2s blake2s = new Blake2s();
  private final byte[] buffer = new byte[Blake2s.BLOCK_BYTES];
  private int buffered;
  /** Message bytes already compressed, not counting {@link #buffered}. */
  private long compressed;

  @Override
  public void update(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0) {
      return;
    }
    if (buffered > 0) {
      int take = Math.min(len, Blake2s.BLOCK_BYTES - buffered);
      System.arraycopy(buf, off, buffer, buffered, take);
      buffered += take;
      off += take;
      len -= take;
      if (len == 0) {
        return;
      }
      // More input follows, so the full buffer is not the last block.
      blake2s.compress(buffer, 0, 1, compressed);
      compressed += Blake2s.BLOCK_BYTES;
      buffered = 0;
    }
    // Keep 1..64 bytes back: they may be the last block.
    int blocks = (len - 1) / Blake2s.BLOCK_BYTES;
    if (blocks > 0) {
      blake2s.compress(buf, off, blocks, compressed);
      int n = blocks * Blake2s.BLOCK_BYTES;
      compressed += n;
      off += n;
      len -= n;
    }
    System.arraycopy(buf, off, buffer, 0, len);
    buffered = len;
  }

  @Override
  public byte[] finish() {
    Arrays.fill(buffer, buffered, Blake2s.BLOCK_BYTES, (byte) 0);
    blake2s.compressLast(buffer, compressed + buffered);
    return blake2s.digest();
  }
}
