package org.distvault.storage.digest;

import java.security.MessageDigest;

/** A hasher backed by a JDK {@link MessageDigest} (intrinsified SHA-1/SHA-256/SHA-512). */
final class JdkHasher implements Hasher {
  private final MessageDigest md;

  JdkHasher(MessageDigest md) {
    this.md = md;
  }

  @Override
  public void update(byte[] buf, int off, int len) {
    md.update(buf, off, len);
  }

  @Override
  public byte[] finish() {
    return md.digest();
  }
}
