package org.distvault.storage.blob;

import java.nio.file.Path;
import java.util.Objects;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * A verified blob in the store, as an ingest leaves it.
 *
 * @param sha512 the blob's name
 * @param size its size in bytes
 * @param digests every digest the ingest computed (always SHA-512 and SHA-256, plus the expected
 *     and extra ones)
 * @param path the read-only file under {@code DATA/blobs/sha512/}
 */
public record StoredBlob(Digest sha512, long size, Digests digests, Path path) {
  public StoredBlob {
    Objects.requireNonNull(sha512, "sha512");
    Objects.requireNonNull(digests, "digests");
    Objects.requireNonNull(path, "path");
    Digest.requireSha512(sha512);
    if (!digests.get(DigestAlgorithm.SHA512).map(sha512::equals).orElse(false)) {
      throw new IllegalArgumentException("digests do not contain " + sha512);
    }
  }
}
