package org.distvault.storage.digest;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/** BLAKE2s-256 hasher. Placeholder backed by Bouncy Castle until the fast implementation lands. */
final class Blake2sHasher implements Hasher {
  private final Blake2sDigest digest = new Blake2sDigest(256);

  @Override
  public void update(byte[] buf, int off, int len) {
    digest.update(buf, off, len);
  }

  @Override
  public byte[] finish() {
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }
}
