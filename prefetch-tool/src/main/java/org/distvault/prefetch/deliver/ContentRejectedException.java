package org.distvault.prefetch.deliver;

import java.io.IOException;

/**
 * The destination verified a streamed body and refused it: a digest or the size differs from the
 * expectation (the server's 422). Nothing was stored. The message is the destination's, e.g.
 * {@code SHA512 mismatch: expected …, got …}.
 */
public final class ContentRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean size;

  public ContentRejectedException(String message, boolean size, Throwable cause) {
    super(message, cause);
    this.size = size;
  }

  /** Whether the size differed (else a digest). */
  public boolean sizeMismatch() {
    return size;
  }
}
