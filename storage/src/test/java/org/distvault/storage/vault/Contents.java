package org.distvault.storage.vault;

import java.util.EnumSet;
import java.util.Random;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;

/** Test contents for the vault's tests: deterministic bytes, and the digests a modern distinfo lists. */
final class Contents {
  private Contents() {}

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The BLAKE2s and SHA-512 of {@code content}. */
  static Digests digests(byte[] content) {
    MultiDigester d = MultiDigester.of(EnumSet.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512));
    d.update(content, 0, content.length);
    return d.finish();
  }
}
