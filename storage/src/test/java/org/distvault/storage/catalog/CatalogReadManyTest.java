package org.distvault.storage.catalog;

import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.record.VariantRef;
import org.junit.jupiter.api.Test;

/** Upserts in chunks of a given size, and the multi-get reads of presence checks. */
class CatalogReadManyTest extends OpenCatalogTest {
  @Test
  void upsertInChunksOfAGivenSizeCountsAndRecordsEverything() {
    List<ExpectedDistfile> manifest = new ArrayList<>();
    int n = 50;
    for (int i = 0; i < n; i++) {
      String f = "f" + i + ".tgz";
      manifest.add(expected(f, i, Fixtures.distinfoDigestsOf(f), "cat/p" + i));
    }
    manifest.add(manifest.get(2)); // across chunks of 7: merges, no duplicate

    assertEquals(new UpsertSummary(n + 1, n, 1), catalog.upsertAll(SetName.DEFAULT, manifest, 7));
    assertEquals(new StoreStats(n, n, 0, n, 0, 0, 0), catalog.stats());
    assertEquals(OptionalLong.of(49), catalog.distfile(name("f49.tgz")).orElseThrow().variants().get(0).size());
    var e = assertThrows(IllegalArgumentException.class,
        () -> catalog.upsertAll(SetName.DEFAULT, manifest, 0));
    assertEquals("chunk size must be positive, got 0", e.getMessage());
  }

  @Test
  void contentsAreTheVariantsIdsSizesDigestsAndBindingsInTheNamesOrder() {
    BlobRecord held = Fixtures.storeAndExpect(catalog, "held.tgz", "held bytes", "cat/held");
    catalog.bind(new VariantRef(name("held.tgz"), 1), held.sha512());
    catalog.upsert(expected("two.tgz", 5, Fixtures.digestsOf("one"), "cat/a"));
    catalog.upsert(expected("two.tgz", 6, Fixtures.digestsOf("other"), "cat/b"));

    List<DistfileName> names = List.of(name("two.tgz"), name("absent.tgz"), name("held.tgz"));
    List<List<VariantContent>> got = catalog.contents(SetName.DEFAULT, names);

    assertEquals(3, got.size());
    assertEquals(List.of(
        new VariantContent(1, OptionalLong.of(5), Fixtures.digestsOf("one"), Optional.empty()),
        new VariantContent(2, OptionalLong.of(6), Fixtures.digestsOf("other"), Optional.empty())), got.get(0));
    assertNull(got.get(1));
    var v = catalog.distfile(name("held.tgz")).orElseThrow().variants().get(0);
    assertEquals(List.of(new VariantContent(1, v.size(), v.digests(), Optional.of(held.sha512()))), got.get(2));
    assertEquals(Optional.of(held.sha512()), v.blob());
  }

  @Test
  void blobsAreReadInTheDigestsOrderWithNullForUnknownOnes() {
    BlobRecord held = Fixtures.storeAndExpect(catalog, "held.tgz", "held bytes", "cat/held");
    Digest unknown = Fixtures.digestsOf("never stored").get(held.sha512().algorithm()).orElseThrow();

    assertEquals(Arrays.asList(null, held, null), catalog.blobs(List.of(unknown, held.sha512(), unknown)));
    assertEquals(List.of(), catalog.blobs(List.of()));
  }
}
