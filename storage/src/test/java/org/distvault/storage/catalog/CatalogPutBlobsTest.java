package org.distvault.storage.catalog;

import static org.distvault.storage.catalog.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Catalog#putBlobs}: many blob records in one write, merged like single ones, all or nothing. */
class CatalogPutBlobsTest {
  @TempDir Path data;
  Catalog catalog;

  @BeforeEach
  void open() {
    catalog = Catalog.open(data.resolve("index"));
  }

  @AfterEach
  void close() {
    catalog.close();
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
