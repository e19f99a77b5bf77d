package org.distvault.storage.catalog;

import org.distvault.storage.record.StoreStats;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.Resolution;

import org.distvault.storage.record.VariantState;

import org.distvault.storage.record.VariantRef;

import static org.distvault.storage.catalog.Fixtures.BORON;
import static org.distvault.storage.catalog.Fixtures.T0;
import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.distvault.storage.catalog.Fixtures.storeAndExpect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.Test;

class CatalogBlobsTest extends OpenCatalogTest {
  @Test
  void blobIsFoundByEveryDigestItWasHashedWith() {
    BlobRecord b = catalog.putBlob(Fixtures.blobOf("abc"));
    assertEquals(Optional.of(b), catalog.blob(b.sha512()));
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      Digest d = b.digests().get(a).orElseThrow();
      assertEquals(List.of(b), catalog.blobsByDigest(d), a.name());
    }
    // Known answer from java-stack.md: BLAKE2s-256("abc").
    Digest blake = Digest.fromHex(DigestAlgorithm.BLAKE2S,
        "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    assertEquals(List.of(b), catalog.blobsByDigest(blake));
    assertEquals(List.of(), catalog.blobsByDigest(BORON.get(DigestAlgorithm.BLAKE2S).orElseThrow()));
  }

  @Test
  void blobRecordRoundTripsAndReputMergesDigestsKeepingFirstStoredTime() {
    Digests all = Fixtures.digestsOf("xyz");
    Digests sha512Only = Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow()));
    BlobRecord first = catalog.putBlob(BlobRecord.stored(sha512Only, 3, T0));
    assertEquals(List.of(), catalog.blobsByDigest(all.get(DigestAlgorithm.SHA1).orElseThrow()));

    Instant later = T0.plusSeconds(60);
    BlobRecord again = catalog.putBlob(BlobRecord.stored(all, 3, later));
    assertEquals(new BlobRecord(first.sha512(), 3, all, T0, later), again);
    assertEquals(Optional.of(again), catalog.blob(first.sha512()));
    assertEquals(List.of(again), catalog.blobsByDigest(all.get(DigestAlgorithm.SHA1).orElseThrow()));
    assertEquals(1, catalog.stats().blobs());
    assertEquals(3, catalog.stats().blobBytes());

    var e = assertThrows(IllegalArgumentException.class,
        () -> catalog.putBlob(BlobRecord.stored(all, 4, later)));
    assertTrue(e.getMessage().contains("has size 3 in the catalog, not 4"), e.getMessage());
  }

  @Test
  void bindMakesTheVariantPresent() {
    BlobRecord b = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    VariantRef ref = new VariantRef(name("x-1.0.tgz"), 1);
    catalog.bind(ref, b.sha512());

    Resolution r = catalog.resolve(name("x-1.0.tgz"), Optional.of("devel/x"));
    assertEquals(Optional.of(b.sha512()), r.blob());
    assertEquals(VariantState.PRESENT, r.variant().orElseThrow().state());
    assertEquals(new StoreStats(1, 1, 1, 0, 0, 1, 9), catalog.stats());
    assertEquals(catalog.stats(), catalog.recount());
  }

  @Test
  void bindRejectsABlobThatDoesNotMatchTheExpectation() {
    catalog.upsert(expected("x-1.0.tgz", 9, Fixtures.distinfoDigestsOf("x content"), "devel/x"));
    BlobRecord other = catalog.putBlob(Fixtures.blobOf("y content"));
    VariantRef ref = new VariantRef(name("x-1.0.tgz"), 1);

    var e = assertThrows(IllegalArgumentException.class, () -> catalog.bind(ref, other.sha512()));
    assertTrue(e.getMessage().startsWith("cannot bind x-1.0.tgz#1 to blob sha512:"), e.getMessage());
    assertTrue(e.getMessage().contains("does not match expected"), e.getMessage());
    assertEquals(Optional.empty(), catalog.distfile(name("x-1.0.tgz")).orElseThrow().variants().get(0).blob());
  }

  @Test
  void bindRejectsABlobNotHashedWithAnExpectedAlgorithm() {
    catalog.upsert(expected("x-1.0.tgz", 9, Fixtures.digestsOf("x content"), "devel/x"));
    Digests partial = Fixtures.distinfoDigestsOf("x content");
    BlobRecord b = catalog.putBlob(BlobRecord.stored(partial, 9, T0));
    var e = assertThrows(IllegalArgumentException.class,
        () -> catalog.bind(new VariantRef(name("x-1.0.tgz"), 1), b.sha512()));
    assertTrue(e.getMessage().endsWith("the blob has no SHA256 digest to compare"), e.getMessage());
  }

  @Test
  void bindRejectsUnknownBlobAndUnknownVariant() {
    catalog.upsert(expected("x-1.0.tgz", 9, Fixtures.distinfoDigestsOf("x content"), "devel/x"));
    Digest missing = Fixtures.digestsOf("never stored").get(DigestAlgorithm.SHA512).orElseThrow();
    var e = assertThrows(IllegalArgumentException.class,
        () -> catalog.bind(new VariantRef(name("x-1.0.tgz"), 1), missing));
    assertTrue(e.getMessage().contains("no blob sha512:" + missing.hex()), e.getMessage());
    BlobRecord b = catalog.putBlob(Fixtures.blobOf("x content"));
    e = assertThrows(IllegalArgumentException.class,
        () -> catalog.bind(new VariantRef(name("x-1.0.tgz"), 2), b.sha512()));
    assertEquals("distfile x-1.0.tgz has no variant 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> catalog.bind(new VariantRef(name("y.tgz"), 1), b.sha512()));
    assertEquals("no distfile y.tgz in the catalog", e.getMessage());
  }

  @Test
  void removeBlobDropsIndexEntriesAndUnbindsEveryVariantAtomically() {
    String content = "shared content";
    BlobRecord b = storeAndExpect(catalog, "a/shared-1.0.tgz", content, "devel/a");
    catalog.upsert(expected("shared-1.0.tgz", Fixtures.size(content), Fixtures.distinfoDigestsOf(content), "devel/b"));
    BlobRecord keep = storeAndExpect(catalog, "keep.tgz", "keep", "devel/k");
    VariantRef r1 = new VariantRef(name("a/shared-1.0.tgz"), 1);
    VariantRef r2 = new VariantRef(name("shared-1.0.tgz"), 1);
    VariantRef rk = new VariantRef(name("keep.tgz"), 1);
    catalog.bind(r1, b.sha512());
    catalog.bind(r2, b.sha512());
    catalog.bind(rk, keep.sha512());
    assertEquals(new StoreStats(3, 3, 3, 0, 0, 2, Fixtures.size(content) + 4), catalog.stats());

    List<VariantRef> unbound = catalog.removeBlob(b.sha512());

    assertEquals(List.of(r1, r2), unbound);
    assertEquals(Optional.empty(), catalog.blob(b.sha512()));
    for (Digest d : b.digests().asMap().values()) {
      assertEquals(List.of(), catalog.blobsByDigest(d), d.algorithm().name());
    }
    assertEquals(Optional.empty(), catalog.resolve(name("shared-1.0.tgz"), Optional.empty()).blob());
    assertEquals(VariantState.MISSING,
        catalog.resolve(name("a/shared-1.0.tgz"), Optional.empty()).variant().orElseThrow().state());
    assertEquals(Optional.of(keep.sha512()), catalog.resolve(name("keep.tgz"), Optional.empty()).blob());
    assertEquals(new StoreStats(3, 3, 1, 2, 0, 1, 4), catalog.stats());
    assertEquals(catalog.stats(), catalog.recount());
    assertEquals(List.of(), catalog.removeBlob(b.sha512()));

    // Storing and binding again works: no stale binding entry is left to confuse a later removal.
    catalog.putBlob(Fixtures.blobOf(content));
    catalog.bind(r2, b.sha512());
    assertEquals(List.of(r2), catalog.removeBlob(b.sha512()));
  }

  @Test
  void rebindingMovesTheBindingEntry() {
    catalog.upsert(expected("f.tgz", 1, Fixtures.distinfoDigestsOf("f"), "a/f"));
    BlobRecord b = catalog.putBlob(Fixtures.blobOf("f"));
    VariantRef ref = new VariantRef(name("f.tgz"), 1);
    catalog.bind(ref, b.sha512());
    catalog.bind(ref, b.sha512());
    assertEquals(List.of(ref), catalog.removeBlob(b.sha512()));
  }

  @Test
  void growingExpectationsUnbindWhenTheBlobCannotProveThem() {
    String content = "grow";
    Digests all = Fixtures.digestsOf(content);
    Digests sha512Only = Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow()));
    catalog.upsert(expected("g.tgz", 4, sha512Only, "a/g"));
    BlobRecord b = catalog.putBlob(BlobRecord.stored(sha512Only, 4, T0));
    catalog.bind(new VariantRef(name("g.tgz"), 1), b.sha512());

    // The same content, now also with RMD160, which the blob was never hashed with.
    Digests withRmd = Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow(),
        all.get(DigestAlgorithm.RMD160).orElseThrow()));
    catalog.upsert(expected("g.tgz", 4, withRmd, "a/g"));
    assertEquals(VariantState.MISSING,
        catalog.distfile(name("g.tgz")).orElseThrow().variants().get(0).state());
    assertEquals(catalog.stats(), catalog.recount());
    assertEquals(List.of(), catalog.removeBlob(b.sha512()));
  }

  @Test
  void markVerifiedUpdatesOnlyTheVerificationTime() {
    BlobRecord b = catalog.putBlob(Fixtures.blobOf("v"));
    Instant later = T0.plusSeconds(3600);
    assertTrue(catalog.markVerified(b.sha512(), later));
    assertEquals(new BlobRecord(b.sha512(), b.size(), b.digests(), T0, later),
        catalog.blob(b.sha512()).orElseThrow());
    assertFalse(catalog.markVerified(Fixtures.blobOf("w").sha512(), later));
  }

  @Test
  void listBlobsPagesInSha512Order() {
    List<Digest> stored = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      stored.add(catalog.putBlob(Fixtures.blobOf("blob " + i)).sha512());
    }
    List<Digest> seen = new ArrayList<>();
    Optional<Digest> after = Optional.empty();
    for (int guard = 0; guard < 10; guard++) {
      List<BlobRecord> page = catalog.listBlobs(after, 7);
      page.forEach(b -> seen.add(b.sha512()));
      if (page.size() < 7) {
        break;
      }
      after = Optional.of(page.get(page.size() - 1).sha512());
    }
    List<Digest> sorted = stored.stream()
        .sorted((x, y) -> java.util.Arrays.compareUnsigned(x.bytes(), y.bytes())).toList();
    assertEquals(sorted, seen);
  }

  @Test
  void blobsAreNamedBySha512Only() {
    Digest sha1 = Fixtures.digestsOf("a").get(DigestAlgorithm.SHA1).orElseThrow();
    var e = assertThrows(IllegalArgumentException.class, () -> catalog.blob(sha1));
    assertTrue(e.getMessage().startsWith("a blob is named by its SHA-512, not by SHA1:"), e.getMessage());
  }
}
