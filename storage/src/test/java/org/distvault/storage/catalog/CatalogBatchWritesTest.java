package org.distvault.storage.catalog;

import org.distvault.storage.record.StoreStats;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.VariantRef;

import static org.distvault.storage.catalog.Fixtures.T0;
import static org.distvault.storage.catalog.Fixtures.boundBlob;
import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.distvault.storage.catalog.Fixtures.storeAndExpect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.Test;

/**
 * The catalog's batch writes, {@link Catalog#bindAll} and {@link Catalog#putBlobs}: many changes in
 * one synced write, each checked like a single one, all or nothing.
 */
class CatalogBatchWritesTest extends OpenCatalogTest {
  @Test
  void everyBindingOfTheBatchIsMadeAndCounted() {
    BlobRecord x = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    BlobRecord y = storeAndExpect(catalog, "y-2.0.tgz", "y content!", "devel/y");
    catalog.bindAll(List.of(
        Map.entry(new VariantRef(name("x-1.0.tgz"), 1), x.sha512()),
        Map.entry(new VariantRef(name("y-2.0.tgz"), 1), y.sha512())));

    assertEquals(Optional.of(x.sha512()), catalog.resolve(name("x-1.0.tgz"), Optional.of("devel/x")).blob());
    assertEquals(Optional.of(y.sha512()), catalog.resolve(name("y-2.0.tgz"), Optional.of("devel/y")).blob());
    assertEquals(catalog.recount(), catalog.stats());
    assertEquals(2, catalog.stats().blobs());
  }

  @Test
  void oneBadBindingWritesNoneAndIsNamed() {
    BlobRecord x = storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    catalog.upsert(expected("z-3.0.tgz", 9, Fixtures.distinfoDigestsOf("z content"), "devel/z"));
    BlobRecord wrong = catalog.putBlob(Fixtures.blobOf("w content"));

    var e = assertThrows(IllegalArgumentException.class, () -> catalog.bindAll(List.of(
        Map.entry(new VariantRef(name("x-1.0.tgz"), 1), x.sha512()),
        Map.entry(new VariantRef(name("z-3.0.tgz"), 1), wrong.sha512()))));
    assertTrue(e.getMessage().startsWith("cannot bind z-3.0.tgz#1 to blob sha512:" + wrong.sha512().hex()),
        e.getMessage());
    assertEquals(Optional.empty(), boundBlob(catalog, "x-1.0.tgz"));
    assertEquals(Optional.empty(), boundBlob(catalog, "z-3.0.tgz"));
    assertEquals(catalog.recount(), catalog.stats());
  }

  @Test
  void anEmptyBatchChangesNothing() {
    storeAndExpect(catalog, "x-1.0.tgz", "x content", "devel/x");
    StoreStats before = catalog.stats();
    catalog.bindAll(List.of());
    assertEquals(before, catalog.stats());
    assertEquals(Optional.empty(), boundBlob(catalog, "x-1.0.tgz"));
  }

  @Test
  void aBatchRecordsEveryBlobAndMergesRepeatsOfOneBlob() {
    Digests all = Fixtures.digestsOf("xyz");
    Digests sha512Only = Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow()));
    BlobRecord a = Fixtures.blobOf("a content");
    List<BlobRecord> stored = catalog.putBlobs(List.of(
        a, BlobRecord.stored(sha512Only, 3, T0), BlobRecord.stored(all, 3, T0.plusSeconds(5))));

    BlobRecord xyz = new BlobRecord(all.get(DigestAlgorithm.SHA512).orElseThrow(), 3, all, T0, T0.plusSeconds(5));
    assertEquals(List.of(a, BlobRecord.stored(sha512Only, 3, T0), xyz), stored);
    assertEquals(Optional.of(xyz), catalog.blob(xyz.sha512()));
    assertEquals(List.of(xyz), catalog.blobsByDigest(all.get(DigestAlgorithm.SHA1).orElseThrow()));
    assertEquals(2, catalog.stats().blobs(), "the repeated blob counts once");
    assertEquals(9 + 3, catalog.stats().blobBytes());
    assertEquals(catalog.recount(), catalog.stats());
  }

  @Test
  void aConflictingRecordWritesNothingAndIsNamed() {
    BlobRecord xyz = catalog.putBlob(Fixtures.blobOf("xyz"));
    BlobRecord a = Fixtures.blobOf("a content");
    var e = assertThrows(IllegalArgumentException.class, () -> catalog.putBlobs(List.of(
        a, BlobRecord.stored(xyz.digests(), 4, T0))));
    assertTrue(e.getMessage().equals("blob sha512:" + xyz.sha512().hex() + " has size 3 in the catalog, not 4"),
        e.getMessage());
    assertEquals(Optional.empty(), catalog.blob(a.sha512()));
    assertEquals(1, catalog.stats().blobs());
    assertEquals(catalog.recount(), catalog.stats());
  }
}
