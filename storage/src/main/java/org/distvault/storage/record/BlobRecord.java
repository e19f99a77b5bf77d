package org.distvault.storage.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * A verified blob held by the blob store, as the catalog knows it.
 *
 * @param sha512 the blob's identity (the blob store's key)
 * @param digests every digest computed at ingest; always includes {@code sha512} (added when
 *     missing, a different SHA-512 in it is an error)
 * @param storedAt when the blob was first stored
 * @param lastVerifiedAt when its content was last re-hashed and found intact
 */
public record BlobRecord(
    Digest sha512, long size, Digests digests, Instant storedAt, Instant lastVerifiedAt) {

  public BlobRecord {
    Digest.requireSha512(sha512);
    if (size < 0) {
      throw new IllegalArgumentException("blob " + sha512.hex() + ": negative size " + size);
    }
    digests = digests.merge(Digests.of(List.of(sha512)));
    Objects.requireNonNull(storedAt, "storedAt");
    Objects.requireNonNull(lastVerifiedAt, "lastVerifiedAt");
  }

  /** A new blob record stored and verified at {@code now}. */
  public static BlobRecord stored(Digests digests, long size, Instant now) {
    Digest sha512 =
        digests
            .get(DigestAlgorithm.SHA512)
            .orElseThrow(() -> new IllegalArgumentException("a blob record needs its SHA-512"));
    return new BlobRecord(sha512, size, digests, now, now);
  }
}
