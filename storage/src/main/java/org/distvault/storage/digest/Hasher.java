package org.distvault.storage.digest;

/** Single-use hashing state for one algorithm. Not thread-safe. */
interface Hasher {
  void update(byte[] buf, int off, int len);

  /** Returns the digest; the hasher must not be used afterwards. */
  byte[] finish();
}
