package org.distvault.storage.vault;

import static org.distvault.storage.vault.Contents.bytes;
import static org.distvault.storage.vault.Contents.digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.VariantRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sealed set written out and loaded into another vault has the same seal and explains misses the same way. */
class SealListingTest {
  static final SetName SET = SetName.of("2026Q4");
  static final Instant SEALED = Instant.parse("2026-12-06T11:00:00Z");
  static final DistfileName SHARED = DistfileName.of("v2.1.0.tar.gz");

  @TempDir Path primaryDir;
  @TempDir Path replicaDir;

  @Test
  void aLoadedListingGivesTheSameSealAndTheSameReasons() throws IOException {
    byte[] one = bytes(1, 3000);
    byte[] two = bytes(2, 4000);
    byte[] lost = bytes(3, 10);
    Seal published;
    byte[] listing;
    try (Vault primary = Vault.open(primaryDir)) {
      SourceSet set = primary.createSet(SET);
      // Two variants of one name (different content, different packages), and a failed prefetch.
      set.expect(List.of(
          expected(SHARED, one, "wip/pheanstalk"),
          expected(SHARED, two, "wip/boron"),
          expected(DistfileName.of("lost-1.0.tar.gz"), lost, "net/lost")));
      for (byte[] content : List.of(one, two)) {
        StoredBlob b = primary.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, digests(content)));
        primary.record(b);
        int id = set.distfile(SHARED).orElseThrow().variants().stream()
            .filter(v -> v.digests().equals(digests(content))).findFirst().orElseThrow().id();
        set.bind(new VariantRef(SHARED, id), b.sha512());
      }
      set.recordOutcome(new VariantRef(DistfileName.of("lost-1.0.tar.gz"), 1),
          PrefetchOutcome.failed("HTTP 404 from lost.invalid", SEALED, "https://lost.invalid/lost-1.0.tar.gz"));
      set.freeze("sealed");
      published = set.seal(SEALED);
      listing = SealListing.write(primary, set);
    }

    try (Vault replica = Vault.open(replicaDir)) {
      SetName generation = SetName.of("replica-0123456789abcdef");
      Seal loaded = SealListing.load(replica, generation, listing, SEALED);
      assertEquals(published, loaded);

      replica.serve(SET, generation);
      SourceSet served = replica.set(SET).orElseThrow();
      assertEquals(SET, served.name());
      assertEquals(Optional.of(published), served.sealed());
      assertTrue(replica.sets().contains(SET), replica.sets().toString());
      Resolution boron = served.locate(SHARED, Optional.of("wip/boron")).resolution();
      assertEquals(Optional.of(digests(two).get(org.distvault.storage.digest.DigestAlgorithm.SHA512).orElseThrow()),
          boron.blob());
      Resolution lostOne = served.locate(DistfileName.of("lost-1.0.tar.gz"), Optional.empty()).resolution();
      assertEquals("HTTP 404 from lost.invalid",
          lostOne.variant().orElseThrow().lastOutcome().orElseThrow().reason());
      assertEquals(Set.of("net/lost"), lostOne.variant().orElseThrow().pkgpaths());
      assertThrows(FrozenException.class, () -> served.expect(List.of(expected(DistfileName.of("x.tgz"), one, "a/b"))));

      // Served as the set default (a replica of a primary's `mode offline` seal): every route
      // without a set sees it, the set list names default once, the store's own default stays.
      SetName second = SetName.of("replica-fedcba9876543210");
      assertEquals(published, SealListing.load(replica, second, listing, SEALED));
      replica.serve(SetName.DEFAULT, second);
      assertEquals(Optional.of(published), replica.defaultSet().sealed());
      assertEquals(Optional.of(digests(two).get(org.distvault.storage.digest.DigestAlgorithm.SHA512).orElseThrow()),
          replica.defaultSet().locate(SHARED, Optional.of("wip/boron")).resolution().blob());
      assertEquals(1, replica.sets().stream().filter(SetName::isDefault).count(), replica.sets().toString());
      assertEquals(Optional.empty(), replica.sealed(), "the store's own default set is not sealed");
    }
  }

  private static ExpectedDistfile expected(DistfileName name, byte[] content, String pkgpath) {
    return new ExpectedDistfile(name, OptionalLong.of(content.length), digests(content), Set.of(pkgpath),
        List.of("https://upstream.invalid/" + name));
  }
}
