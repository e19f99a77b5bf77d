package org.distvault.storage.digest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Computes several digests of one stream in a single pass, only the algorithms asked for.
 *
 * <p>Single use and not thread-safe: after {@link #finish()} every method throws {@link
 * IllegalStateException}.
 */
public final class MultiDigester {
  private final EnumMap<DigestAlgorithm, Hasher> hashers = new EnumMap<>(DigestAlgorithm.class);
  private long bytes;
  private boolean finished;

  private MultiDigester(Set<DigestAlgorithm> algorithms) {
    for (DigestAlgorithm a : algorithms) {
      hashers.put(a, a.newHasher());
    }
  }

  /** A digester for exactly these algorithms (an empty set counts bytes only). */
  public static MultiDigester of(Set<DigestAlgorithm> algorithms) {
    return new MultiDigester(algorithms.isEmpty() ? EnumSet.noneOf(DigestAlgorithm.class) : EnumSet.copyOf(algorithms));
  }

  public static MultiDigester of(DigestAlgorithm first, DigestAlgorithm... rest) {
    return new MultiDigester(EnumSet.of(first, rest));
  }

  public Set<DigestAlgorithm> algorithms() {
    return hashers.keySet();
  }

  /**
   * Hashes {@code len} bytes of {@code buf} from {@code off}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code buf}; nothing is hashed
   */
  public void update(byte[] buf, int off, int len) {
    checkNotFinished();
    // Check here, not in each hasher: Bouncy Castle hashes the bytes in range before it fails,
    // and ignores a negative length, which would leave the digests and byteCount() apart.
    Objects.checkFromIndexSize(off, len, buf.length);
    for (Hasher h : hashers.values()) {
      h.update(buf, off, len);
    }
    bytes += len;
  }

  /** Consumes the remaining bytes of a heap buffer. */
  public void update(ByteBuffer buf) {
    checkNotFinished();
    if (!buf.hasArray()) {
      byte[] copy = new byte[buf.remaining()];
      buf.get(copy);
      update(copy, 0, copy.length);
      return;
    }
    update(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
    buf.position(buf.limit());
  }

  /** Number of bytes hashed so far. */
  public long byteCount() {
    return bytes;
  }

  /** Returns every digest; the digester is finished afterwards. */
  public Digests finish() {
    checkNotFinished();
    finished = true;
    List<Digest> out = new ArrayList<>(hashers.size());
    hashers.forEach((a, h) -> out.add(Digest.of(a, h.finish())));
    return Digests.of(out);
  }

  private void checkNotFinished() {
    if (finished) {
      throw new IllegalStateException("MultiDigester used after finish()");
    }
  }
}
