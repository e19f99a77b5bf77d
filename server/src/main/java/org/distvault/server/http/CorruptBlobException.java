package org.distvault.server.http;

import java.io.IOException;
import org.distvault.storage.digest.Digest;

/**
 * A stored blob's file does not hold the blob's bytes (wrong size or digest): it must not be served
 * and is put aside. The message names the blob and what is wrong.
 */
public final class CorruptBlobException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  CorruptBlobException(Digest sha512, String reason) {
    super("stored blob " + sha512.hex() + " is corrupt: " + reason);
    this.reason = reason;
  }

  /** What is wrong, without the blob's name. */
  public String reason() {
    return reason;
  }
}
