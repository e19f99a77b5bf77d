package org.distvault.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.Seal;
import org.distvault.storage.vault.RecoveryReport;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code serve --recover} on a bucket: a lost catalog is rebuilt from the objects under {@code
 * blobs/} (each read back and re-hashed) and the seal listings in the data directory; the sealed
 * set comes up with the same seal digest and bytes, and an object whose bytes are not its name is
 * put aside, not recorded, not bound and not served.
 */
class RecoveryOnS3Test extends OnS3Proxy {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final DistfileName ONE = DistfileName.of("one-1.0.tar.gz");
  private static final DistfileName TWO = DistfileName.of("two-2.0.tar.gz");

  @TempDir Path data;
  @TempDir Path cache;
  @TempDir Path otherCache;

  private final String prefix = "recover-" + PREFIXES.incrementAndGet();
  private final byte[] one = TestBlobs.bytes(41, 200_000);
  private final byte[] two = TestBlobs.bytes(42, 3_000);

  private Vault open(Path tier, Vault.Start start) throws IOException {
    S3BlobBackend backend = S3BlobBackend.open(TestBlobs.options(s3, prefix),
        CacheTier.open(tier, 8L << 20, BlobStoreOptions.defaults()));
    return Vault.open(data, backend, Clock.systemUTC(), start);
  }

  /** Fills the default set with both distfiles and seals it; the catalog is then deleted. */
  private Seal fillSealAndLoseTheCatalog() throws IOException {
    Seal seal;
    try (Vault vault = open(cache, Vault.Start.CHECK)) {
      TestBlobs.bindInDefaultSet(vault, ONE, one);
      TestBlobs.bindInDefaultSet(vault, TWO, two);
      seal = vault.defaultSet().seal(Instant.parse("2026-12-01T00:00:00Z"));
    }
    try (var index = Files.walk(data.resolve("index"))) {
      index.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    return seal;
  }

  @Test
  void aLostCatalogIsRebuiltFromTheBucketWithTheSameSealAndBytes() throws IOException {
    Seal seal = fillSealAndLoseTheCatalog();
    Digest d1 = TestBlobs.sha512(one);

    try (Vault vault = open(otherCache, Vault.Start.RECOVER)) {
      RecoveryReport report = vault.recovery();
      assertEquals(2, report.recorded().size(), report.toString());
      assertEquals(List.of(), report.quarantined());
      assertTrue(report.rebuilt().stream().anyMatch(l -> l.contains("all 2 sealed names bound again; digest intact")),
          report.rebuilt().toString());
      assertEquals(Optional.of(seal.digest()), vault.sealed().map(Seal::digest));
      // Re-hashed with every algorithm, as an ingest records a blob.
      for (DigestAlgorithm a : DigestAlgorithm.values()) {
        assertTrue(vault.blob(d1).orElseThrow().digests().get(a).isPresent(), a.toString());
      }
      Path file = vault.defaultSet().locate(ONE, Optional.empty()).file().orElseThrow();
      assertArrayEquals(one, Files.readAllBytes(file), "filled from the bucket into the new tier");
      assertArrayEquals(two, Files.readAllBytes(vault.defaultSet().locate(TWO, Optional.empty()).file().orElseThrow()));
    }
    try (Vault vault = open(otherCache, Vault.Start.CHECK)) {
      assertEquals(Optional.of(seal.digest()), vault.sealed().map(Seal::digest), "the next start keeps it");
    }
  }

  @Test
  void aCorruptObjectIsPutAsideNotBoundAndNotServed() throws IOException {
    Seal seal = fillSealAndLoseTheCatalog();
    Digest d2 = TestBlobs.sha512(two);
    String key = prefix + "/blobs/sha512/" + d2.hex().substring(0, 2) + "/" + d2.hex().substring(2, 4) + "/" + d2.hex();
    byte[] wrong = two.clone();
    wrong[1234] ^= 1;
    s3.client().putObject(r -> r.bucket(TestBlobs.BUCKET).key(key), RequestBody.fromBytes(wrong));

    try (Vault vault = open(cache, Vault.Start.RECOVER)) {
      RecoveryReport report = vault.recovery();
      assertEquals(List.of(TestBlobs.sha512(one)), report.recorded());
      assertEquals(1, report.quarantined().size(), report.toString());
      assertTrue(report.rebuilt().stream().anyMatch(l -> l.contains("1 of 2 sealed names bound again")),
          report.rebuilt().toString());
      Seal now = vault.sealed().orElseThrow();
      assertNotEquals(seal.digest(), now.digest(), "sealed now with what could be bound");
      assertEquals(1, now.entries());
      assertTrue(vault.blob(d2).isEmpty(), "not recorded");
      assertTrue(vault.defaultSet().locate(TWO, Optional.empty()).blob().isEmpty(), "not bound");
      assertFalse(vault.file(d2).isPresent(), "not in the tier (the good copy there was evicted) nor the bucket");
      assertArrayEquals(one, Files.readAllBytes(vault.defaultSet().locate(ONE, Optional.empty()).file().orElseThrow()));
    }
    List<String> keys = s3.keys(TestBlobs.BUCKET, prefix + "/");
    assertFalse(keys.contains(key), keys.toString());
    assertTrue(keys.stream().anyMatch(k -> k.startsWith(prefix + "/quarantine/" + d2.hex())), keys.toString());
  }
}
