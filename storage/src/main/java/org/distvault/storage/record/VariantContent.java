package org.distvault.storage.record;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.Digests;

/**
 * What a {@link Variant} is and whether it is bound, without its PKGPATHs, URLs and outcome: what
 * a presence check needs, read from the catalog without decoding the rest.
 *
 * @param id the variant's id
 * @param size expected size, empty when unknown
 * @param digests expected digests; may be empty
 * @param blob the SHA-512 of the blob the variant is bound to, if any
 */
public record VariantContent(int id, OptionalLong size, Digests digests, Optional<Digest> blob) {
  public VariantContent {
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(digests, "digests");
    Objects.requireNonNull(blob, "blob");
  }
}
