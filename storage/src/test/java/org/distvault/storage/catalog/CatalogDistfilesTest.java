package org.distvault.storage.catalog;

import org.distvault.storage.record.StoreStats;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.UpsertSummary;

import org.distvault.storage.record.Resolution;

import org.distvault.storage.record.VariantState;

import org.distvault.storage.record.VariantRef;

import org.distvault.storage.record.Variant;

import org.distvault.storage.record.DistfileRecord;

import org.distvault.storage.distfile.PrefetchOutcome;

import org.distvault.storage.distfile.ExpectedDistfile;

import static org.distvault.storage.catalog.Fixtures.BORON;
import static org.distvault.storage.catalog.Fixtures.PHEANSTALK;
import static org.distvault.storage.catalog.Fixtures.T0;
import static org.distvault.storage.catalog.Fixtures.expected;
import static org.distvault.storage.catalog.Fixtures.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.record.Resolution.Match;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogDistfilesTest extends OpenCatalogTest {
  /** Names from real distinfo files, each kept byte for byte. */
  @ParameterizedTest
  @ValueSource(strings = {
      "mysql%2B%2B-3.3.0.tar.gz",                              // wip/mysql++: literal %
      "suse100/i586/alsa-1.0.9-23.2.i586.rpm",                 // multi-level DIST_SUBDIR
      "buf.build_gen_go_bufbuild_protovalidate_protocolbuffers_go_@v_v1.31.0-20230802163732-1c33ebd9ecfa.1.mod",
      "git.sr.ht_~emersion_go-scfg_@v_v0.0.0-20240128091534-2ae16e782082.mod",
      "libsigc++-2.10.8.tar.xz",
      "foo,bar~baz+1.0.tar.gz",
      "v2.1.0.tar.gz",
      "caf\u00e9-\u4e2d\u6587-1.0.tgz"})
  void namesRoundTripExactly(String raw) {
    Digests d = Fixtures.distinfoDigestsOf(raw);
    catalog.upsert(expected(raw, 42, d, "wip/x", "https://example.org/" + raw));
    reopen();

    DistfileRecord r = catalog.distfile(name(raw)).orElseThrow();
    assertEquals(raw, r.name().value());
    assertEquals(raw, catalog.listDistfiles(Optional.empty(), 10).get(0).name().value());
    Variant v = r.variants().get(0);
    assertEquals(d, v.digests());
    assertEquals(OptionalLong.of(42), v.size());
    assertEquals(List.of("https://example.org/" + raw), v.urls());
    assertEquals(Set.of("wip/x"), v.pkgpaths());
  }

  @Test
  void sameBareNameWithDifferentContentResolvesPerPkgpath() {
    catalog.upsert(expected("v2.1.0.tar.gz", 17635, PHEANSTALK, "wip/pheanstalk"));
    catalog.upsert(expected("v2.1.0.tar.gz", 360613, BORON, "wip/boron"));

    DistfileRecord r = catalog.distfile(name("v2.1.0.tar.gz")).orElseThrow();
    assertEquals(2, r.variants().size());

    Resolution p = catalog.resolve(name("v2.1.0.tar.gz"), Optional.of("wip/pheanstalk"));
    assertEquals(Match.PKGPATH, p.match());
    assertEquals(PHEANSTALK, p.variant().orElseThrow().digests());
    assertEquals(OptionalLong.of(17635), p.variant().orElseThrow().size());

    Resolution b = catalog.resolve(name("v2.1.0.tar.gz"), Optional.of("wip/boron"));
    assertEquals(Match.PKGPATH, b.match());
    assertEquals(BORON, b.variant().orElseThrow().digests());

    Resolution bare = catalog.resolve(name("v2.1.0.tar.gz"), Optional.empty());
    assertEquals(Match.AMBIGUOUS, bare.match());
    assertEquals(Optional.empty(), bare.variant());
    assertEquals(2, bare.variants().size());

    Resolution other = catalog.resolve(name("v2.1.0.tar.gz"), Optional.of("devel/other"));
    assertEquals(Match.AMBIGUOUS, other.match());
  }

  @Test
  void bareNameWithSeveralVariantsPicksTheOnlyPresentOne() {
    String content = "boron content";
    Digests d = Fixtures.distinfoDigestsOf(content);
    catalog.upsert(expected("v2.1.0.tar.gz", 17635, PHEANSTALK, "wip/pheanstalk"));
    catalog.upsert(expected("v2.1.0.tar.gz", Fixtures.size(content), d, "wip/boron"));
    BlobRecord blob = catalog.putBlob(Fixtures.blobOf(content));
    catalog.bind(new VariantRef(name("v2.1.0.tar.gz"), 2), blob.sha512());

    Resolution bare = catalog.resolve(name("v2.1.0.tar.gz"), Optional.empty());
    assertEquals(Match.ONLY_PRESENT, bare.match());
    assertEquals(2, bare.variant().orElseThrow().id());
    assertEquals(Optional.of(blob.sha512()), bare.blob());
    // The PKGPATH still wins over presence: pheanstalk's content is missing, and says so.
    Resolution p = catalog.resolve(name("v2.1.0.tar.gz"), Optional.of("wip/pheanstalk"));
    assertEquals(Match.PKGPATH, p.match());
    assertEquals(Optional.empty(), p.blob());
  }

  @Test
  void unknownAndSingleVariantResolution() {
    assertEquals(Match.UNKNOWN, catalog.resolve(name("nope.tgz"), Optional.empty()).match());
    assertEquals(List.of(), catalog.resolve(name("nope.tgz"), Optional.of("a/b")).variants());
    catalog.upsert(expected("one.tgz", 3, BORON, "devel/one"));
    Resolution r = catalog.resolve(name("one.tgz"), Optional.of("devel/elsewhere"));
    assertEquals(Match.ONLY_VARIANT, r.match());
    assertEquals(1, r.variant().orElseThrow().id());
  }

  @Test
  void reUpsertOfSameContentMergesPkgpathsAndUrls() {
    UpsertSummary first = catalog.upsert(
        expected("v2.1.0.tar.gz", 360613, BORON, "wip/boron", "https://a/x", "https://b/x"));
    UpsertSummary second = catalog.upsert(
        expected("v2.1.0.tar.gz", 360613, BORON, "wip/boron2", "https://b/x", "https://c/x"));
    assertEquals(new UpsertSummary(1, 1, 0), first);
    assertEquals(new UpsertSummary(1, 0, 1), second);

    DistfileRecord r = catalog.distfile(name("v2.1.0.tar.gz")).orElseThrow();
    assertEquals(1, r.variants().size());
    Variant v = r.variants().get(0);
    assertEquals(Set.of("wip/boron", "wip/boron2"), v.pkgpaths());
    assertEquals(List.of("https://a/x", "https://b/x", "https://c/x"), v.urls());
  }

  @Test
  void sharedStrongDigestMergesAndAddsNewAlgorithms() {
    Digests sha512Only = Digests.of(List.of(BORON.get(DigestAlgorithm.SHA512).orElseThrow()));
    catalog.upsert(new ExpectedDistfile(name("v2.1.0.tar.gz"), OptionalLong.empty(), sha512Only,
        Set.of("wip/a"), List.of()));
    catalog.upsert(expected("v2.1.0.tar.gz", 360613, BORON, "wip/b"));

    Variant v = catalog.distfile(name("v2.1.0.tar.gz")).orElseThrow().variants().get(0);
    assertEquals(BORON, v.digests());
    assertEquals(OptionalLong.of(360613), v.size());
    assertEquals(Set.of("wip/a", "wip/b"), v.pkgpaths());
  }

  @Test
  void expectationsWithoutACommonAlgorithmStayApart() {
    Digests rmdOnly = Digests.of(List.of(PHEANSTALK.get(DigestAlgorithm.RMD160).orElseThrow()));
    Digests blakeOnly = Digests.of(List.of(BORON.get(DigestAlgorithm.BLAKE2S).orElseThrow()));
    catalog.upsert(expected("f.tgz", 10, rmdOnly, "old/pkg"));
    catalog.upsert(expected("f.tgz", 10, blakeOnly, "new/pkg"));
    assertEquals(2, catalog.distfile(name("f.tgz")).orElseThrow().variants().size());
  }

  @Test
  void conflictingSizeMakesANewVariant() {
    catalog.upsert(expected("f.tgz", 10, BORON, "a/a"));
    catalog.upsert(expected("f.tgz", 11, BORON, "b/b"));
    assertEquals(2, catalog.distfile(name("f.tgz")).orElseThrow().variants().size());
  }

  @Test
  void latestUpsertForAPkgpathTakesItFromTheOldVariant() {
    // A re-rolled upstream tarball: the package's distinfo changes, the name does not.
    catalog.upsert(expected("v2.1.0.tar.gz", 17635, PHEANSTALK, "wip/pheanstalk"));
    catalog.upsert(expected("v2.1.0.tar.gz", 360613, BORON, "wip/pheanstalk"));

    DistfileRecord r = catalog.distfile(name("v2.1.0.tar.gz")).orElseThrow();
    assertEquals(Set.of(), r.variant(1).orElseThrow().pkgpaths());
    assertEquals(Set.of("wip/pheanstalk"), r.variant(2).orElseThrow().pkgpaths());
    assertEquals(BORON, catalog.resolve(name("v2.1.0.tar.gz"), Optional.of("wip/pheanstalk"))
        .variant().orElseThrow().digests());
  }

  @Test
  void outcomesSetStateAndCounts() {
    catalog.upsert(expected("a.tgz", 1, BORON, "x/a"));
    catalog.upsert(expected("b.tgz", 1, PHEANSTALK, "x/b"));
    VariantRef a = new VariantRef(name("a.tgz"), 1);
    catalog.recordOutcome(a, PrefetchOutcome.failed("HTTP 404 from https://a/a.tgz", T0, "https://a/a.tgz"));

    Variant v = catalog.distfile(name("a.tgz")).orElseThrow().variants().get(0);
    assertEquals(VariantState.FAILED, v.state());
    assertEquals("HTTP 404 from https://a/a.tgz", v.lastOutcome().orElseThrow().reason());
    assertEquals(Optional.of("https://a/a.tgz"), v.lastOutcome().orElseThrow().url());
    assertEquals(T0, v.lastOutcome().orElseThrow().at());
    assertEquals(new StoreStats(2, 2, 0, 1, 1, 0, 0), catalog.stats());
    assertEquals(catalog.stats(), catalog.recount());
  }

  @Test
  void outcomeForAnUnknownVariantIsRejectedAndWritesNothing() {
    catalog.upsert(expected("a.tgz", 1, BORON, "x/a"));
    PrefetchOutcome f = PrefetchOutcome.failed("timeout", T0, null);
    var e = assertThrows(IllegalArgumentException.class, () -> catalog.recordOutcomes(Map.of(
        new VariantRef(name("a.tgz"), 1), f,
        new VariantRef(name("a.tgz"), 7), f)));
    assertEquals("distfile a.tgz has no variant 7", e.getMessage());
    assertEquals(Optional.empty(), catalog.distfile(name("a.tgz")).orElseThrow().variants().get(0).lastOutcome());
  }

  @Test
  void batchUpsertOfManyLinesIsChunkedAndCounted() {
    List<ExpectedDistfile> manifest = new ArrayList<>();
    int n = 5 * Catalog.UPSERT_CHUNK + 17;
    for (int i = 0; i < n; i++) {
      String f = "go/mod" + i + "_@v_v1." + i + ".zip";
      manifest.add(expected(f, i, Fixtures.distinfoDigestsOf(f), "wip/grafana"));
    }
    // The same line twice inside one chunk and across chunks merges, not duplicates.
    manifest.add(manifest.get(3));
    manifest.add(manifest.get(n - 1));

    UpsertSummary s = catalog.upsertAll(manifest);
    assertEquals(new UpsertSummary(n + 2, n, 2), s);
    assertEquals(new StoreStats(n, n, 0, n, 0, 0, 0), catalog.stats());

    List<DistfileName> seen = new ArrayList<>();
    Optional<DistfileName> after = Optional.empty();
    for (int guard = 0; guard < 100; guard++) {
      List<DistfileRecord> page = catalog.listDistfiles(after, 700);
      page.forEach(r -> seen.add(r.name()));
      if (page.size() < 700) {
        break;
      }
      after = Optional.of(page.get(page.size() - 1).name());
    }
    assertEquals(n, seen.size());
    assertEquals(seen.stream().sorted(Fixtures::byUtf8).toList(), seen);
    assertEquals(catalog.stats(), catalog.recount());
  }

  @Test
  void aNameRepeatedWithinOneChunkEndsAsUpsertedLineByLine() {
    // A name new to the set is written from its first line unless a later line of the chunk
    // names it again: every such case must end as separate upserts would.
    Digests rmdOnly = Digests.of(List.of(PHEANSTALK.get(DigestAlgorithm.RMD160).orElseThrow()));
    List<ExpectedDistfile> lines = List.of(
        expected("once.tgz", 1, BORON, "a/once", "https://a/once"),
        expected("same.tgz", 5, BORON, "a/same", "https://a/same"),
        expected("other.tgz", 7, PHEANSTALK, "a/other"),
        expected("moved.tgz", 17635, PHEANSTALK, "a/moved", "https://a/moved"),
        expected("same.tgz", 5, BORON, "b/same", "https://b/same", "https://a/same"),
        expected("other.tgz", 8, PHEANSTALK, "b/other"),
        expected("moved.tgz", 360613, BORON, "a/moved"),
        expected("same.tgz", 5, BORON, "c/same"),
        expected("other.tgz", 7, rmdOnly, "c/other"),
        expected("last.tgz", 2, BORON, "a/last"));
    SetName chunked = SetName.of("chunked");
    SetName oneByOne = SetName.of("one-by-one");

    UpsertSummary s = catalog.upsertAll(chunked, lines);
    UpsertSummary sum = UpsertSummary.NONE;
    for (ExpectedDistfile e : lines) {
      sum = sum.plus(catalog.upsertAll(oneByOne, List.of(e)));
    }

    assertEquals(new UpsertSummary(10, 7, 3), sum);
    assertEquals(sum, s);
    for (String n : List.of("once.tgz", "same.tgz", "other.tgz", "moved.tgz", "last.tgz")) {
      assertEquals(catalog.distfile(oneByOne, name(n)), catalog.distfile(chunked, name(n)), n);
    }
    assertEquals(3, catalog.distfile(chunked, name("same.tgz")).orElseThrow().variants().get(0).pkgpaths().size());
    assertEquals(new StoreStats(10, 14, 0, 14, 0, 0, 0), catalog.stats());
    assertEquals(catalog.stats(), catalog.recount());
  }

  @Test
  void invalidPkgpathIsRejectedWithItsName() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> expected("a.tgz", 1, BORON, "../etc"));
    assertTrue(e.getMessage().contains("'../etc'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> expected("a.tgz", 1, BORON, "devel"));
    assertThrows(IllegalArgumentException.class, () -> expected("a.tgz", 1, BORON, "a/b/c"));
  }

  @Test
  void countsSurviveReopen() {
    catalog.upsert(expected("a.tgz", 1, BORON, "x/a"));
    catalog.putBlob(Fixtures.blobOf("hello"));
    StoreStats before = catalog.stats();
    reopen();
    assertEquals(before, catalog.stats());
    assertEquals(new StoreStats(1, 1, 0, 1, 0, 1, 5), before);
  }
}
