package org.distvault.storage.digest;

import org.bouncycastle.crypto.Digest;

/** A hasher backed by a Bouncy Castle lightweight digest (RIPEMD-160). */
final class BouncyHasher implements Hasher {
  private final Digest digest;

  BouncyHasher(Digest digest) {
    this.digest = digest;
  }

  @Override
  public void update(byte[] buf, int off, int len) {
    digest.update(buf, off, len);
  }

  @Override
  public byte[] finish() {
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }
}
