package org.distvault.prefetch.spool;

import java.io.IOException;
import org.distvault.storage.digest.Digests;

/**
 * Downloaded bytes that do not match the expectation; the message names expected and actual
 * (e.g. {@code SHA512 mismatch: expected …, got …}), and the actual digests are kept for the
 * report.
 */
public final class SpoolMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Digests actual;
  private final long actualSize;

  public SpoolMismatchException(String message, Digests actual, long actualSize) {
    super(message);
    this.actual = actual;
    this.actualSize = actualSize;
  }

  public Digests actual() {
    return actual;
  }

  public long actualSize() {
    return actualSize;
  }
}
