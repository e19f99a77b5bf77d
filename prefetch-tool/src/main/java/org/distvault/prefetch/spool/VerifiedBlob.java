package org.distvault.prefetch.spool;

import java.nio.file.Path;
import java.util.Objects;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * A spool file whose size and every expected digest have been checked.
 *
 * @param file the spool file; whoever delivers it may move it away
 * @param size its length in bytes
 * @param digests every digest computed, SHA-512 always among them
 */
public record VerifiedBlob(Path file, long size, Digests digests) {

  public VerifiedBlob {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(digests, "digests");
    if (digests.get(DigestAlgorithm.SHA512).isEmpty()) {
      throw new IllegalArgumentException("a verified blob needs its SHA512");
    }
  }

  /** The SHA-512, the blob's key in the cache. */
  public Digest sha512() {
    return digests.get(DigestAlgorithm.SHA512).orElseThrow();
  }
}
