package org.distvault.storage.catalog;

import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Resolution.Match;
import org.junit.jupiter.api.Test;

/**
 * {@link Catalog#surelyUnknown}: never true for a name the set has a record of (in the memtable or,
 * after a restart, in a table file), and true for most names it has not, so that an I/O thread can
 * answer those misses without a catalog read.
 */
class CatalogSurelyUnknownTest extends OpenCatalogTest {
  private static final int HELD = 300;
  private static final int NEVER = 1000;

  private static String held(int i) {
    return "held-" + i + ".tar.gz";
  }

  private static String never(int i) {
    return "never-" + i + ".tar.gz";
  }

  private void expectHeld() {
    List<ExpectedDistfile> all = new ArrayList<>();
    for (int i = 0; i < HELD; i++) {
      all.add(expected(held(i), 10 + i, Fixtures.distinfoDigestsOf(held(i)), "devel/x"));
    }
    catalog.upsertAll(all);
  }

  @Test
  void anEmptyCatalogKnowsEveryNameUnknown() {
    assertTrue(catalog.surelyUnknown(SetName.DEFAULT, name("a-1.0.tar.gz")));
  }

  @Test
  void heldNamesAreNeverSurelyUnknownInMemtableOrTableFiles() {
    expectHeld();
    checkHeldAndNever("in the memtable");
    reopen(); // the close flushes the memtable: the records are now in a table file
    checkHeldAndNever("in a table file");
  }

  private void checkHeldAndNever(String where) {
    for (int i = 0; i < HELD; i++) {
      assertFalse(catalog.surelyUnknown(SetName.DEFAULT, name(held(i))), held(i) + " " + where);
      assertEquals(Match.ONLY_VARIANT, catalog.resolve(name(held(i)), Optional.empty()).match());
    }
    int surely = 0;
    for (int i = 0; i < NEVER; i++) {
      if (catalog.surelyUnknown(SetName.DEFAULT, name(never(i)))) {
        surely++;
        assertEquals(Match.UNKNOWN, catalog.resolve(name(never(i)), Optional.empty()).match());
      }
    }
    // Bloom filters of 10 bits a key answer "may exist" for about 1 % of absent keys.
    assertTrue(surely >= NEVER * 9 / 10, surely + " of " + NEVER + " absent names known unknown " + where);
  }

  @Test
  void aNameHeldInOneSetIsUnknownInAnother() {
    expectHeld();
    SetName other = SetName.of("2026Q4");
    assertTrue(catalog.surelyUnknown(other, name(held(0))));
    assertFalse(catalog.surelyUnknown(SetName.DEFAULT, name(held(0))));
  }

  @Test
  void aClosedCatalogRefuses() {
    catalog.close();
    assertThrows(IllegalStateException.class, () -> catalog.surelyUnknown(SetName.DEFAULT, name("a-1.0.tar.gz")));
    catalog = Catalog.open(data.resolve("index"));
  }

  @Test
  void distfileAndBlobMemtablesHaveABloomFilterAndNoOtherFamily() throws Exception {
    // Absent names are what a manifest's upsert and a presence check mostly look up.
    RocksStore s = catalog.committer().store();
    for (var cf : List.of(s.distfiles, s.blobs)) {
      var options = s.db.getOptions(cf);
      assertTrue(options.memtablePrefixBloomSizeRatio() > 0);
      assertTrue(options.memtableWholeKeyFiltering());
    }
    for (var cf : List.of(s.digests, s.bindings, s.logs, s.state, s.meta)) {
      assertEquals(0.0, s.db.getOptions(cf).memtablePrefixBloomSizeRatio());
    }
  }
}
