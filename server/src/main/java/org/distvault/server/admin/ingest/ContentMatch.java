package org.distvault.server.admin.ingest;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ContentIdentity;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.vault.Vault;

/**
 * Which catalogued variant and which held blob an expectation (size and digests) describes.
 *
 * <p>The variant rule is the store's {@link ContentIdentity}; among several matches the lowest id
 * wins, as an expectation would merge into it. A blob matches when it was
 * hashed with every listed algorithm, each digest is equal, and the size (if given) is equal.
 */
final class ContentMatch {
  /** Strongest first: the order in which a listed digest is used to look a blob up. */
  static final List<DigestAlgorithm> STRENGTH =
      List.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA256,
          DigestAlgorithm.RMD160, DigestAlgorithm.SHA1);

  private ContentMatch() {}

  /** The strongest digest listed, if any. */
  static Optional<Digest> strongest(Digests digests) {
    for (DigestAlgorithm a : STRENGTH) {
      Optional<Digest> d = digests.get(a);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  /** The variant of {@code record} (may be null) with this content, lowest id first. */
  static Optional<Variant> variant(DistfileRecord record, OptionalLong size, Digests digests) {
    if (record == null) {
      return Optional.empty();
    }
    return record.variants().stream().filter(v -> sameContent(v, size, digests)).findFirst();
  }

  /** The variant among {@code variants} (may be null) with this content, lowest id first, or null. */
  static VariantContent content(List<VariantContent> variants, OptionalLong size, Digests digests) {
    if (variants == null) {
      return null;
    }
    for (VariantContent v : variants) {
      if (ContentIdentity.same(v.size(), v.digests(), size, digests)) {
        return v;
      }
    }
    return null;
  }

  static boolean sameContent(Variant v, OptionalLong size, Digests digests) {
    return ContentIdentity.same(v.size(), v.digests(), size, digests);
  }

  /** Why {@code blob} is not this content, or empty when it is. */
  static Optional<String> mismatch(BlobRecord blob, OptionalLong size, Digests digests) {
    if (size.isPresent() && size.getAsLong() != blob.size()) {
      return Optional.of("size " + blob.size() + " differs from the expected " + size.getAsLong());
    }
    for (Digest want : digests.asMap().values()) {
      Optional<Digest> got = blob.digests().get(want.algorithm());
      if (got.isEmpty()) {
        return Optional.of("the blob was never hashed with " + want.algorithm().distinfoName());
      }
      if (!got.get().equals(want)) {
        return Optional.of(want.algorithm().distinfoName() + " mismatch: expected " + want.hex()
            + ", got " + got.get().hex());
      }
    }
    return Optional.empty();
  }

  /**
   * A held blob with this content: looked up by the strongest listed digest, then checked
   * against every other listed digest and the size. Empty when no digest is listed.
   */
  static Optional<BlobRecord> heldBlob(Vault vault, OptionalLong size, Digests digests) {
    Optional<Digest> key = strongest(digests);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    return vault.blobsByDigest(key.get()).stream()
        .filter(b -> mismatch(b, size, digests).isEmpty())
        .findFirst();
  }
}
