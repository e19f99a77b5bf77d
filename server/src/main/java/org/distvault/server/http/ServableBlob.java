package org.distvault.server.http;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * A stored, verified blob that may be served: its SHA-512, its size, the read-only file that holds
 * exactly those bytes, and when it was stored.
 *
 * @param sha512 the SHA-512 of the content; the strong ETag is derived from it
 * @param size the content length in bytes
 * @param file the file holding the content; serving refuses it if its size differs from {@code size}
 * @param storedAt when the blob was stored; sent as {@code Last-Modified} (whole seconds)
 */
public record ServableBlob(Digest sha512, long size, Path file, Instant storedAt) {
  public ServableBlob {
    Objects.requireNonNull(sha512, "sha512");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(storedAt, "storedAt");
    if (sha512.algorithm() != DigestAlgorithm.SHA512) {
      throw new IllegalArgumentException("blob key must be a SHA512 digest, got " + sha512.algorithm());
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative blob size " + size);
    }
  }
}
