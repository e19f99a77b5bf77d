package org.distvault.storage.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Seal;

/**
 * The seals of a bucket's sets as replicas read them: each seal's listing at {@code
 * PREFIX/sets/<set>/seals/<hex>.jsonl.gz}, immutable (a digest already published is never written
 * again), and the pointer {@code PREFIX/sets/<set>/current} to the one in force, written after the
 * listing it names. Obtained from {@link S3BlobBackend#seals()}; thread-safe, and valid while the
 * backend is open.
 */
public final class SealObjects {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The contents of a {@code current} object.
   *
   * @param digest the seal digest, {@code sha256:<hex>}
   * @param entries the number of lines the digest covers
   * @param sealedAt when the primary sealed it
   * @param key the key of the seal's listing
   */
  public record Pointer(String digest, long entries, Instant sealedAt, String key) {
    public Pointer {
      Objects.requireNonNull(key, "key");
      new Seal(digest, entries, sealedAt); // checks the digest and the count
    }

    /** The seal this pointer names. */
    public Seal seal() {
      return new Seal(digest, entries, sealedAt);
    }
  }

  private final Bucket bucket;
  private final ObjectKeys keys;

  SealObjects(Bucket bucket, ObjectKeys keys) {
    this.bucket = bucket;
    this.keys = keys;
  }

  /**
   * Publishes {@code listing} (gzipped JSON lines) as the seal of {@code set}, unless that digest
   * is published already, then points {@code current} at it.
   *
   * @return the pointer written
   * @throws org.distvault.storage.blob.BackendUnavailableException when the bucket cannot be written
   */
  public Pointer publish(SetName set, Seal seal, byte[] listing) {
    String key = keys.sealListing(set.value(), seal.digest().substring("sha256:".length()));
    if (bucket.size(key).isEmpty()) {
      bucket.putBytes(key, listing, "application/gzip");
    }
    Pointer p = new Pointer(seal.digest(), seal.entries(), seal.at(), key);
    try {
      byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("set", set.value())
          .put("digest", p.digest()).put("entries", p.entries()).put("sealedAt", p.sealedAt().toString())
          .put("key", p.key()));
      bucket.putBytes(keys.currentSeal(set.value()), body, "application/json");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return p;
  }

  /**
   * The pointer to the seal of {@code set} in force, or empty when none was published.
   *
   * @throws org.distvault.storage.blob.BackendUnavailableException when the bucket cannot be read
   * @throws IllegalStateException when the pointer is not one this class writes
   */
  public Optional<Pointer> current(SetName set) {
    String key = keys.currentSeal(set.value());
    Optional<byte[]> body = bucket.getBytes(key);
    if (body.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(body.get());
      return Optional.of(new Pointer(n.path("digest").asText(), n.path("entries").asLong(-1),
          Instant.parse(n.path("sealedAt").asText()), n.path("key").asText()));
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalStateException(bucket.where(key) + " is not a seal pointer: " + e.getMessage(), e);
    }
  }

  /**
   * The listing {@code pointer} names.
   *
   * @throws IllegalStateException when it is not in the bucket
   */
  public byte[] listing(Pointer pointer) {
    return bucket.getBytes(pointer.key()).orElseThrow(() -> new IllegalStateException(
        bucket.where(pointer.key()) + " is missing, though its pointer names it"));
  }
}
