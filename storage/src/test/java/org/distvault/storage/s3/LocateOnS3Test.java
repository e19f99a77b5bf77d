package org.distvault.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locating a bound distfile on a store whose blobs live in a bucket: after one lookup the catalog's
 * answer is known from memory, so a thread that must not block (an HTTP I/O thread) gets the file
 * while the cache tier holds it, and nothing once the tier has evicted it; the next full lookup
 * fills the tier from the bucket again. The tier counts each look once, and none for a blob larger
 * than the caller takes from memory.
 */
class LocateOnS3Test extends OnS3Proxy {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final DistfileName ONE = DistfileName.of("one-1.0.tar.gz");

  @TempDir Path data;
  @TempDir Path cache;

  @Test
  void aKnownAnswerGivesTheTiersFileWithoutBlockingAndNothingOnceItIsEvicted() throws IOException {
    byte[] one = TestBlobs.bytes(7, 30_000);
    Digest d = TestBlobs.sha512(one);
    CacheTier tier = CacheTier.open(cache, 8L << 20, BlobStoreOptions.defaults());
    S3BlobBackend backend = S3BlobBackend.open(TestBlobs.options(s3, "locate-" + PREFIXES.incrementAndGet()), tier);
    try (Vault vault = Vault.open(data, backend, Clock.systemUTC())) {
      SourceSet set = vault.defaultSet();
      TestBlobs.bindInDefaultSet(vault, ONE, one);
      assertEquals(Optional.empty(), set.locateCached(ONE, Optional.empty()), "not known before a lookup");

      Path file = set.locate(ONE, Optional.empty()).file().orElseThrow();
      assertArrayEquals(one, Files.readAllBytes(file));
      long hits = tier.hits();
      long misses = tier.misses();

      Vault.Located known = set.locateCached(ONE, Optional.empty()).orElseThrow();
      assertEquals(Optional.of(file), known.file());
      assertEquals(d, known.blob().orElseThrow().sha512());
      assertEquals(hits + 1, tier.hits(), "a look from memory that finds the file is a tier hit");
      assertEquals(Optional.empty(), set.locateCached(ONE, Optional.empty(), one.length - 1), "larger than asked for");
      assertEquals(hits + 1, tier.hits(), "a blob larger than asked for is not looked for in the tier");

      tier.evict(d);
      assertEquals(Optional.empty(), set.locateCached(ONE, Optional.empty()), "evicted: left to a full lookup");
      assertEquals(misses, tier.misses(), "the look from memory counts no miss");

      Path again = set.locate(ONE, Optional.empty()).file().orElseThrow();
      assertArrayEquals(one, Files.readAllBytes(again), "filled from the bucket again");
      assertEquals(misses + 1, tier.misses());
      assertTrue(set.locateCached(ONE, Optional.empty()).isPresent());
    }
  }
}
