package org.distvault.storage.digest;

import java.io.IOException;

/** Content whose computed digest differs from the one expected. Carries both. */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Digest expected;
  private final transient Digest actual;

  public DigestMismatchException(Digest expected, Digest actual) {
    super(
        expected.algorithm().distinfoName() + " mismatch: expected " + expected.hex() + ", got "
            + actual.hex());
    this.expected = expected;
    this.actual = actual;
  }

  public Digest expected() {
    return expected;
  }

  public Digest actual() {
    return actual;
  }
}
