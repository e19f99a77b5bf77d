package org.distvault.storage.vault;

import static org.distvault.storage.vault.Contents.bytes;
import static org.distvault.storage.vault.Contents.digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Seal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage collection: what is live, the seal history, and ingests and binds racing a collection. */
class GcTest {
  static final SetName A = SetName.of("2026Q4");
  static final SetName B = SetName.of("2027Q1");

  @TempDir Path data;

  @Test
  void fillingSetsKeepWhatTheyBindOrExpectAndDeletedSetsLeaveGarbage() throws IOException {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      SourceSet b = vault.createSet(B);
      Digest shared = bindNew(vault, a, "shared.tgz", "misc/shared", bytes(1, 100));
      bindNew(vault, b, "shared.tgz", "misc/shared", bytes(1, 100));
      Digest onlyB = bindNew(vault, b, "only-b.tgz", "misc/b", bytes(2, 300));
      byte[] expectedContent = bytes(3, 50);
      a.expect(List.of(expected("expected.tgz", "misc/e", expectedContent)));
      Digest expectedOnly = ingest(vault, expectedContent).sha512(); // held, not bound: expected
      Digest stray = ingest(vault, bytes(4, 70)).sha512(); // nothing expects it

      GcReport dry = vault.gc(2, false, Long.MAX_VALUE);
      assertFalse(dry.applied());
      assertEquals(1, dry.garbageCount());
      assertEquals(70, dry.garbageBytes());
      assertEquals(stray, dry.largest().get(0).sha512());
      assertEquals(new GcReport.Kept(2, 150, Set.of(GcReport.Reason.FILLING)), dry.keptBy().get(A));
      assertEquals(new GcReport.Kept(2, 400, Set.of(GcReport.Reason.FILLING)), dry.keptBy().get(B));
      assertTrue(vault.holds(stray), "a dry run deletes nothing");

      vault.deleteSet(B);
      GcReport applied = vault.gc(2, true, Long.MAX_VALUE);
      assertEquals(2, applied.garbageCount());
      assertEquals(370, applied.garbageBytes());
      assertEquals(List.of(onlyB, stray), applied.largest().stream().map(GcReport.Garbage::sha512).toList());
      assertEquals(2, applied.freedCount());
      assertEquals(370, applied.freedBytes());
      assertFalse(vault.holds(onlyB));
      assertTrue(vault.blob(onlyB).isEmpty());
      assertFalse(vault.holds(stray));
      for (Digest live : List.of(shared, expectedOnly)) {
        assertTrue(vault.holds(live) && vault.blob(live).isPresent(), live.hex());
      }
      assertEquals(0, vault.gc(2, true, Long.MAX_VALUE).garbageCount());
    }
  }

  @Test
  void theLastSealsOfASetKeepTheirBlobsAsManyAsAskedFor() throws IOException {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      Digest d1 = bindNew(vault, a, "one.tgz", "misc/one", bytes(11, 10));
      a.seal(Instant.parse("2026-01-01T00:00:00Z"));
      a.unseal();
      vault.catalog().deleteSet(A); // what it binds is gone, its seals are remembered
      Digest d2 = bindNew(vault, a, "two.tgz", "misc/two", bytes(12, 20));
      a.seal(Instant.parse("2026-02-01T00:00:00Z"));
      a.unseal();
      vault.catalog().deleteSet(A);
      Digest d3 = bindNew(vault, a, "three.tgz", "misc/three", bytes(13, 40));
      Seal current = a.seal(Instant.parse("2026-03-01T00:00:00Z"));
      assertEquals(3, vault.sealHistory(A).size());
      assertEquals(current, vault.sealHistory(A).get(0));

      assertEquals(Set.of(d1), garbage(vault.gc(2, false, Long.MAX_VALUE)));
      assertEquals(Set.of(), garbage(vault.gc(3, false, Long.MAX_VALUE)));
      assertEquals(Set.of(d1, d2), garbage(vault.gc(1, false, Long.MAX_VALUE)));
      GcReport none = vault.gc(0, false, Long.MAX_VALUE);
      assertEquals(Set.of(d1, d2), garbage(none));
      assertEquals(new GcReport.Kept(1, 40, Set.of(GcReport.Reason.SEAL)), none.keptBy().get(A));
      GcReport two = vault.gc(2, false, Long.MAX_VALUE);
      assertEquals(new GcReport.Kept(2, 60, Set.of(GcReport.Reason.SEAL, GcReport.Reason.PREVIOUS_SEALS)),
          two.keptBy().get(A));
      assertEquals(List.of("one.tgz"), two.largest().get(0).names(), "names from the seal listings");

      assertEquals(1, vault.gc(2, true, Long.MAX_VALUE).freedCount());
      assertTrue(vault.holds(d2) && vault.holds(d3));
      assertFalse(vault.holds(d1));
    }
    try (Vault again = Vault.open(data)) {
      assertEquals(2, again.sealHistory(A).size(), "the history forgets what the collection no longer kept");
      assertTrue(again.set(A).orElseThrow().sealed().isPresent());
      assertEquals(0, again.gc(2, false, Long.MAX_VALUE).garbageCount());
    }
  }

  @Test
  void aSealedSetWithoutHistoryRemembersItsSealInForceAtTheNextStart() throws IOException {
    Seal seal;
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      bindNew(vault, a, "one.tgz", "misc/one", bytes(71, 10));
      seal = a.seal(Instant.parse("2026-01-01T00:00:00Z"));
      vault.catalog().putState(SealHistory.key(A), new byte[0]); // as a store from before the history
      assertEquals(List.of(), vault.sealHistory(A));
    }
    try (Vault again = Vault.open(data)) {
      assertEquals(List.of(seal), again.sealHistory(A));
    }
  }

  @Test
  void applyPrunesTheListingsOfSealsNoLongerKeptAndTheDryRunCountsThem() throws IOException {
    List<Seal> seals;
    try (Vault vault = Vault.open(data)) {
      seals = sealThrice(vault);
      Seal s1 = seals.get(0);
      Seal s2 = seals.get(1);
      Seal s3 = seals.get(2);

      GcReport dry = vault.gc(2, false, Long.MAX_VALUE);
      assertEquals(1, dry.listingsUnreferenced());
      assertEquals(0, dry.listingsPruned());
      assertEquals(Set.of(hex(s1), hex(s2), hex(s3)), listings(), "a dry run deletes no listing");
      assertEquals(List.of(s3, s2, s1), vault.sealHistory(A));

      GcReport applied = vault.gc(2, true, Long.MAX_VALUE);
      assertEquals(1, applied.freedCount());
      assertEquals(1, applied.listingsUnreferenced());
      assertEquals(1, applied.listingsPruned());
      assertEquals(Set.of(hex(s2), hex(s3)), listings());
      assertFalse(Files.exists(data.resolve("seals").resolve(hex(s1) + ".json")), "its record went with it");
      assertEquals(List.of(s3, s2), vault.sealHistory(A), "the history forgets the seal whose listing went");

      GcReport more = vault.gc(16, false, Long.MAX_VALUE);
      assertEquals(0, more.garbageCount(), "keeping more seals than remembered finds no listing missing");
      assertEquals(0, more.listingsUnreferenced());

      GcReport none = vault.gc(0, true, Long.MAX_VALUE);
      assertEquals(1, none.freedCount());
      assertEquals(1, none.listingsPruned());
      assertEquals(Set.of(hex(s3)), listings(), "the listing of the seal in force stays");
      assertEquals(List.of(s3), vault.sealHistory(A));
    }
    try (Vault again = Vault.open(data)) {
      assertEquals(List.of(seals.get(2)), again.sealHistory(A));
      assertTrue(again.set(A).orElseThrow().sealed().isPresent());
      GcReport r = again.gc(16, true, Long.MAX_VALUE);
      assertEquals(0, r.garbageCount());
      assertEquals(0, r.listingsPruned());
    }
  }

  @Test
  void aListingSealedAgainDuringTheCollectionIsNotPruned() throws IOException {
    try (Vault vault = Vault.open(data)) {
      List<Seal> seals = sealThrice(vault);
      SourceSet a = vault.set(A).orElseThrow();
      Seal[] again = new Seal[1];
      GcReport r = vault.gc(2, true, Long.MAX_VALUE, () -> {
        try {
          // After the mark, which found the first seal no longer kept: the same content sealed again
          // reuses its listing.
          a.unseal();
          vault.catalog().deleteSet(A);
          bindNew(vault, a, "one.tgz", "misc/one", bytes(11, 10));
          again[0] = a.seal(Instant.parse("2026-04-01T00:00:00Z"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      assertEquals(seals.get(0).digest(), again[0].digest());
      assertEquals(1, r.listingsPruned(), "the second seal, no longer among the last 2");
      assertEquals(Set.of(hex(seals.get(0)), hex(seals.get(2))), listings());
      assertEquals(List.of(again[0], seals.get(2)), vault.sealHistory(A));
      assertEquals(0, r.freedCount(), "the blob bound meanwhile was kept");
      assertEquals(List.of(bytes(12, 20).length), vault.gc(2, false, Long.MAX_VALUE).largest().stream()
          .map(g -> (int) g.size()).toList(), "now the second seal's blob is garbage, and no listing is missing");
    }
  }

  @Test
  void aListingNothingRefersToIsPrunedByTheNextCollection() throws IOException {
    Files.createDirectories(data.resolve("seals"));
    String stray = "ab".repeat(32);
    // What a crash after the history forgot a seal and before its listing went leaves behind.
    Files.writeString(data.resolve("seals").resolve(stray + ".tsv"), "gone.tgz\t" + "cd".repeat(64) + "\n");
    try (Vault vault = Vault.open(data)) {
      assertEquals(1, vault.gc(2, false, Long.MAX_VALUE).listingsUnreferenced());
      assertEquals(Set.of(stray), listings());
      // As serve --max-size collects: only as many bytes as wanted, and the listings all the same.
      assertEquals(1, vault.gc(2, true, 1).listingsPruned());
      assertEquals(Set.of(), listings());
    }
  }

  @Test
  void aRecoveredCatalogRemembersTheLastSealsAndTheirBlobsStayLive() throws IOException {
    List<Seal> seals;
    try (Vault vault = Vault.open(data)) {
      seals = sealThrice(vault);
    }
    deleteTree(data.resolve("index"));
    try (Vault vault = Vault.open(data, BlobStoreOptions.defaults(), Vault.Start.RECOVER)) {
      assertEquals(List.of(seals.get(2), seals.get(1), seals.get(0)), vault.sealHistory(A));
      assertTrue(vault.recovery().rebuilt().contains(
          "seal history of set 2026Q4: 2 earlier seals remembered from their listings, with the seal in force"),
          vault.recovery().rebuilt().toString());
      GcReport dry = vault.gc(2, false, Long.MAX_VALUE);
      assertEquals(List.of(digests(bytes(11, 10)).get(DigestAlgorithm.SHA512).orElseThrow()), dry.largest().stream().map(GcReport.Garbage::sha512)
          .toList(), "the oldest seal's only blob");
      assertEquals(1, dry.garbageCount());
      assertEquals(new GcReport.Kept(2, 60, Set.of(GcReport.Reason.SEAL, GcReport.Reason.PREVIOUS_SEALS)),
          dry.keptBy().get(A));
      assertEquals(List.of("one.tgz"), dry.largest().get(0).names());
    }
  }

  @Test
  void aRecoveryAfterAPruneRemembersOnlyTheSealsStillKept() throws IOException {
    List<Seal> seals;
    try (Vault vault = Vault.open(data)) {
      seals = sealThrice(vault);
      SourceSet b = vault.createSet(B);
      bindNew(vault, b, "two.tgz", "misc/two", bytes(12, 20));
      Seal s2 = seals.get(1);
      assertEquals(s2.digest(), b.seal(Instant.parse("2026-05-01T00:00:00Z")).digest());
      GcReport r = vault.gc(1, true, Long.MAX_VALUE);
      assertEquals(1, r.freedCount(), "the first seal's blob; the second's is sealed in the other set");
      assertEquals(1, r.listingsPruned());
      assertEquals(List.of(seals.get(2)), vault.sealHistory(A));
    }
    deleteTree(data.resolve("index"));
    try (Vault vault = Vault.open(data, BlobStoreOptions.defaults(), Vault.Start.RECOVER)) {
      assertEquals(List.of(seals.get(2)), vault.sealHistory(A),
          "the second seal's listing stays for the other set, which alone sealed it since");
      assertEquals(1, vault.sealHistory(B).size());
      assertEquals(0, vault.gc(16, false, Long.MAX_VALUE).garbageCount());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Seals set A three times, each time with one other blob; returns the seals, oldest first. */
  private static List<Seal> sealThrice(Vault vault) throws IOException {
    SourceSet a = vault.createSet(A);
    bindNew(vault, a, "one.tgz", "misc/one", bytes(11, 10));
    Seal s1 = a.seal(Instant.parse("2026-01-01T00:00:00Z"));
    a.unseal();
    vault.catalog().deleteSet(A);
    bindNew(vault, a, "two.tgz", "misc/two", bytes(12, 20));
    Seal s2 = a.seal(Instant.parse("2026-02-01T00:00:00Z"));
    a.unseal();
    vault.catalog().deleteSet(A);
    bindNew(vault, a, "three.tgz", "misc/three", bytes(13, 40));
    Seal s3 = a.seal(Instant.parse("2026-03-01T00:00:00Z"));
    return List.of(s1, s2, s3);
  }

  private Set<String> listings() throws IOException {
    try (var files = Files.list(data.resolve("seals"))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tsv"))
          .map(n -> n.substring(0, n.length() - ".tsv".length()))
          .collect(Collectors.toSet());
    }
  }

  private static String hex(Seal seal) {
    return seal.digest().substring("sha256:".length());
  }

  @Test
  void aMissingListingOfAKeptSealStopsTheCollection() throws IOException {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      bindNew(vault, a, "one.tgz", "misc/one", bytes(21, 10));
      Seal seal = a.seal(Instant.parse("2026-01-01T00:00:00Z"));
      a.unseal();
      vault.catalog().deleteSet(A);
      Files.delete(data.resolve("seals").resolve(seal.digest().substring(7) + ".tsv"));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> vault.gc(2, true, Long.MAX_VALUE));
      assertTrue(e.getMessage().contains("is missing"), e.getMessage());
      assertEquals(1, vault.gc(0, true, Long.MAX_VALUE).freedCount());
    }
  }

  @Test
  void oldestGarbageGoesFirstAndOnlyAsMuchAsWanted() throws IOException {
    try (Vault vault = Vault.open(data)) {
      Digest first = ingest(vault, bytes(31, 100)).sha512();
      sleepAMillisecond();
      Digest second = ingest(vault, bytes(32, 100)).sha512();
      sleepAMillisecond();
      Digest third = ingest(vault, bytes(33, 100)).sha512();
      GcReport r = vault.gc(2, true, 150);
      assertEquals(3, r.garbageCount());
      assertEquals(2, r.freedCount());
      assertFalse(vault.holds(first));
      assertFalse(vault.holds(second));
      assertTrue(vault.holds(third));
    }
  }

  @Test
  void aBindOrAnIngestDuringTheCollectionKeepsItsBlob() throws IOException {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      byte[] toBind = bytes(41, 60);
      byte[] toUpload = bytes(42, 61);
      Digest bound = ingest(vault, toBind).sha512();
      Digest uploaded = ingest(vault, toUpload).sha512();
      Digest garbage = ingest(vault, bytes(43, 62)).sha512();
      Digest[] fresh = new Digest[1];
      GcReport r = vault.gc(2, true, Long.MAX_VALUE, () -> {
        try {
          // After the mark: a manifest and a bind of one garbage blob, an upload of another's bytes,
          // and a new blob.
          a.expect(List.of(expected("late.tgz", "misc/late", toBind)));
          DistfileRecord rec = a.distfile(DistfileName.of("late.tgz")).orElseThrow();
          a.bind(rec.ref(rec.variants().get(0)), bound);
          ingest(vault, toUpload);
          fresh[0] = ingest(vault, bytes(44, 63)).sha512();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      assertEquals(3, r.garbageCount(), "all three were garbage when marked");
      assertEquals(1, r.freedCount());
      assertFalse(vault.holds(garbage));
      for (Digest kept : List.of(bound, uploaded, fresh[0])) {
        assertTrue(vault.holds(kept), kept.hex());
        assertTrue(vault.blob(kept).isPresent(), kept.hex());
      }
      assertEquals(Optional.of(bound), a.distfile(DistfileName.of("late.tgz")).orElseThrow().variants().get(0).blob());
      // The next collection finds the uploaded and the new blob garbage, as nothing binds them.
      assertEquals(Set.of(uploaded, fresh[0]), garbage(vault.gc(2, true, Long.MAX_VALUE)));
    }
  }

  @Test
  void aGarbageCollectionAndAScrubDoNotRunTogether() throws IOException {
    try (Vault vault = Vault.open(data)) {
      ingest(vault, bytes(51, 10));
      VaultBusyException e = assertThrows(VaultBusyException.class,
          () -> vault.gc(2, false, Long.MAX_VALUE, () -> {
            try {
              vault.scrub();
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
          }));
      assertEquals("a garbage collection is running", e.getMessage());
      assertEquals(1, vault.scrub().checked(), "free again afterwards");
    }
  }

  @Test
  void aFileLeftByACrashAfterItsRecordWasDroppedIsGarbageAgain() throws IOException {
    Digest d;
    try (Vault vault = Vault.open(data)) {
      d = ingest(vault, bytes(61, 80)).sha512();
      assertTrue(vault.catalog().collectBlob(d)); // the record goes first; "crash" before the file
      assertTrue(vault.holds(d));
    }
    try (Vault again = Vault.open(data)) {
      assertEquals(List.of(d), again.recovery().recorded());
      GcReport r = again.gc(2, true, Long.MAX_VALUE);
      assertEquals(1, r.freedCount());
      assertFalse(again.holds(d));
    }
  }

  private static Set<Digest> garbage(GcReport r) {
    return r.largest().stream().map(GcReport.Garbage::sha512).collect(Collectors.toSet());
  }

  private static void sleepAMillisecond() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StoredBlob ingest(Vault vault, byte[] content) throws IOException {
    return vault.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, digests(content)));
  }

  private static Digest bindNew(Vault vault, SourceSet set, String name, String pkgpath, byte[] content)
      throws IOException {
    set.expect(List.of(expected(name, pkgpath, content)));
    StoredBlob blob = ingest(vault, content);
    DistfileRecord r = set.distfile(DistfileName.of(name)).orElseThrow();
    set.bind(r.ref(r.variantFor(pkgpath).orElseThrow()), blob.sha512());
    return blob.sha512();
  }

  private static ExpectedDistfile expected(String name, String pkgpath, byte[] content) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(content.length), digests(content),
        Set.of(pkgpath), List.of());
  }
}
