package org.distvault.storage.s3;

import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * Where a blob lives in a bucket: {@code PREFIX/blobs/sha512/ab/cd/<128 hex>}, the local {@link
 * org.distvault.storage.blob.BlobLayout} under a key prefix. Keys sort like the hex they end in,
 * so a listing comes in SHA-512 order. Immutable.
 */
final class ObjectKeys {
  private final String prefix;

  /** @param prefix the key prefix without slashes around it; empty for the bucket's root */
  ObjectKeys(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must not start or end with '/': " + prefix);
    }
    this.prefix = prefix.isEmpty() ? "" : prefix + "/";
  }

  /** The prefix every blob key starts with: {@code PREFIX/blobs/sha512/}. */
  String blobs() {
    return prefix + "blobs/sha512/";
  }

  /** The key of the blob with this SHA-512. */
  String key(Digest sha512) {
    String hex = Digest.requireSha512(sha512).hex();
    return blobs() + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
  }

  /** Where a blob taken out of service goes: {@code PREFIX/quarantine/<hex>.<millis>}. */
  String quarantine(Digest sha512, long millis) {
    return prefix + "quarantine/" + Digest.requireSha512(sha512).hex() + "." + millis;
  }

  /** Where a published seal of {@code set} lies: {@code PREFIX/sets/<set>/seals/<hex>.jsonl.gz}. */
  String sealListing(String set, String hex) {
    return prefix + "sets/" + set + "/seals/" + hex + ".jsonl.gz";
  }

  /** The pointer to the seal of {@code set} that replicas serve: {@code PREFIX/sets/<set>/current}. */
  String currentSeal(String set) {
    return prefix + "sets/" + set + "/current";
  }

  /** The SHA-512 that {@code key} names, if it is exactly where {@link #key} puts that digest. */
  Optional<Digest> digestAt(String key) {
    int hexLength = DigestAlgorithm.SHA512.hexLength();
    if (!key.startsWith(blobs()) || key.length() != blobs().length() + 6 + hexLength) {
      return Optional.empty();
    }
    String hex = key.substring(key.length() - hexLength);
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!HexFormat.isHexDigit(c) || Character.isUpperCase(c)) {
        return Optional.empty();
      }
    }
    Digest d = Digest.fromHex(DigestAlgorithm.SHA512, hex);
    return key(d).equals(key) ? Optional.of(d) : Optional.empty();
  }
}
