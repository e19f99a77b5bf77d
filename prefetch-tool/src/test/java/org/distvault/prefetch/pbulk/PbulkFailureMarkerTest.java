package org.distvault.prefetch.pbulk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.distvault.prefetch.deliver.Attempt;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.fetch.FailureKind;
import org.distvault.prefetch.fetch.Retry;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.source.PkgsrcScanner;
import org.distvault.prefetch.source.PresolveReader;
import org.distvault.prefetch.source.ScanOptions;
import org.distvault.prefetch.source.SourceResult;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Marking over a real presolve file, a real bmake scan of the fixture tree (multi-version
 * lang/py-thing: only the 3.12 variant needs thing-compat-py312.tar.gz; devel/broken's bmake
 * fails) and a real pbulk directory layout ({@code BULKLOG/meta/presolve}). Skipped only when no
 * bmake is installed (Debian package {@code bmake}).
 */
class PbulkFailureMarkerTest {
  private static final Instant STARTED = Instant.parse("2026-11-23T01:02:03Z");
  private static Path fixture;

  @TempDir Path bulklog;
  private Path meta;
  private Path presolve;

  @BeforeAll
  static void findBmakeAndFixture() throws URISyntaxException {
    assumeTrue(onPath("bmake"), "bmake is not installed (Debian package: bmake)");
    fixture = Path.of(PbulkFailureMarkerTest.class.getResource("/pkgsrc-fixture/Makefile").toURI()).getParent();
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  @BeforeEach
  void writePresolve() throws IOException {
    meta = Files.createDirectories(bulklog.resolve("meta"));
    presolve = Files.writeString(meta.resolve("presolve"), """
        PKGNAME=py311-thing-1.0
        PKG_LOCATION=lang/py-thing
        DEPENDS=
        MULTI_VERSION= PYTHON_VERSION_REQD=311
        PKGNAME=py312-thing-1.0
        PKG_LOCATION=lang/py-thing
        DEPENDS=
        MULTI_VERSION= PYTHON_VERSION_REQD=312
        PKGNAME=libfoo-docs-1.0
        PKG_LOCATION=devel/libfoo-docs
        DEPENDS=
        PKGNAME=broken-1.0
        PKG_LOCATION=devel/broken
        DEPENDS=
        PKGNAME=meta-1.0
        PKG_LOCATION=devel/meta
        DEPENDS=libfoo-docs-1.0
        """);
  }

  private SourceResult scan() throws Exception {
    return new PkgsrcScanner(fixture, ScanOptions.defaults().withJobs(2).withTimeout(Duration.ofSeconds(60)))
        .scan(PresolveReader.read(presolve));
  }

  /** Every entry present except {@code failedNames}, which failed with a 404 from each of its URLs. */
  private static PrefetchReport report(SourceResult scanned, String... failedNames) {
    List<Outcome> outcomes = new ArrayList<>();
    for (ExpectedDistfile e : scanned.entries()) {
      if (List.of(failedNames).contains(e.name().value())) {
        List<Attempt> attempts = e.urls().stream()
            .map(u -> new Attempt(u, "HTTP 404 from " + u, FailureKind.HTTP_STATUS, Retry.NEXT_URL)).toList();
        String last = e.urls().get(e.urls().size() - 1);
        outcomes.add(new Outcome(e, Outcome.Status.FAILED, "HTTP 404 from " + last, 0, Duration.ZERO, last, null,
            attempts));
      } else {
        outcomes.add(Outcome.present(e));
      }
    }
    return new PrefetchReport(STARTED, Duration.ofSeconds(1), 0, outcomes, List.of());
  }

  private PbulkFailureMarker marker() {
    return new PbulkFailureMarker(presolve, PbulkFailureMarker.defaultBulklog(presolve));
  }

  private String log(String pkgname) throws IOException {
    return Files.readString(bulklog.resolve(pkgname).resolve("checksum.log"));
  }

  @Test
  void onlyTheVariantThatNeedsTheFailedDistfileIsMarkedAndTheBrokenScanToo() throws Exception {
    SourceResult scanned = scan();
    MarkResult r = marker().mark(scanned, report(scanned, "thing-compat-py312.tar.gz"));

    assertEquals(List.of("py312-thing-1.0", "broken-1.0"), r.markedNames());
    assertEquals("py312-thing-1.0\nbroken-1.0\n", Files.readString(meta.resolve("error")));
    assertEquals(bulklog, r.bulklog());
    assertFalse(Files.exists(bulklog.resolve("py311-thing-1.0")));
    assertFalse(Files.exists(bulklog.resolve("meta-1.0")));

    String py312 = log("py312-thing-1.0");
    assertTrue(py312.startsWith("distvault prefetch: py312-thing-1.0 was marked failed before the build"), py312);
    assertTrue(py312.contains("PKGPATH:       lang/py-thing\nMULTI_VERSION: PYTHON_VERSION_REQD=312\n"
        + "prefetch run:  2026-11-23T01:02:03Z\n"), py312);
    assertTrue(py312.contains("Distfile thing-compat-py312.tar.gz could not be prefetched: HTTP 404 from "
        + "http://backup.example/pub/pkgsrc/distfiles/thing-compat-py312.tar.gz\n  size:   43 bytes\n"), py312);
    assertTrue(py312.contains("  URLs tried, in order:\n"
        + "    https://files.example.org/thing/thing-compat-py312.tar.gz\n"
        + "      -> HTTP 404 from https://files.example.org/thing/thing-compat-py312.tar.gz\n"
        + "    http://backup.example/pub/pkgsrc/distfiles/thing-compat-py312.tar.gz\n"
        + "      -> HTTP 404 from http://backup.example/pub/pkgsrc/distfiles/thing-compat-py312.tar.gz\n"), py312);
    assertTrue(py312.contains("distvault refused to let the offline\nbuild try"), py312);
    assertFalse(py312.contains("thing-1.0.tar.gz"), py312);

    String broken = log("broken-1.0");
    assertTrue(broken.contains("PKGPATH:       devel/broken\nMULTI_VERSION: (none)\n"), broken);
    assertTrue(broken.contains("could not say what it needs (make-failed):\n"
        + "    devel/broken: bmake exited with status 1\n"), broken);
  }

  @Test
  void aDistfileEveryVariantNeedsMarksEveryVariant() throws Exception {
    SourceResult scanned = scan();
    MarkResult r = marker().mark(scanned, report(scanned, "thing-1.0.tar.gz", "libfoo-1.0.tar.gz"));

    assertEquals(List.of("py311-thing-1.0", "py312-thing-1.0", "libfoo-docs-1.0", "broken-1.0"), r.markedNames());
    assertTrue(log("py311-thing-1.0").contains("MULTI_VERSION: PYTHON_VERSION_REQD=311\n"));
    assertTrue(log("libfoo-docs-1.0").contains("Distfile libfoo-1.0.tar.gz could not be prefetched: "));
    // meta-1.0 needs no distfile: pbulk marks it indirect-failed through its DEPENDS itself.
    assertFalse(Files.exists(bulklog.resolve("meta-1.0")));
  }

  @Test
  void withoutRequestersEveryRecordOfTheFailedPkgpathIsMarked() throws Exception {
    SourceResult scanned = scan();
    // The same entries without the scan's requesters (as a manifest input gives them).
    SourceResult bare = new SourceResult(scanned.entries(), scanned.problems());

    MarkResult r = marker().mark(bare, report(bare, "thing-compat-py312.tar.gz"));

    assertEquals(List.of("py311-thing-1.0", "py312-thing-1.0"), r.markedNames());
    assertTrue(log("py311-thing-1.0").contains("Distfile thing-compat-py312.tar.gz could not be prefetched"));
  }

  @Test
  void namesListedAlreadyAreNotRepeatedAndBuiltOnesAreNotMarked() throws Exception {
    // No newline after the last name: pbulk-build would stop with "Invalid input".
    Files.writeString(meta.resolve("error"), "libfoo-docs-1.0\npy312-thing-1.0");
    Files.writeString(meta.resolve("success"), "broken-1.0\n");
    Files.createDirectories(bulklog.resolve("py312-thing-1.0"));
    Files.writeString(bulklog.resolve("py312-thing-1.0/build.log"), "an earlier failure\n");
    SourceResult scanned = scan();

    MarkResult r = marker().mark(scanned, report(scanned, "thing-1.0.tar.gz"));

    assertEquals(List.of("py311-thing-1.0"), r.markedNames());
    assertEquals(List.of("py312-thing-1.0"), r.alreadyListed().stream().map(FailedPackage::pkgname).toList());
    assertEquals(List.of("broken-1.0"), r.alreadyBuilt().stream().map(FailedPackage::pkgname).toList());
    assertEquals("libfoo-docs-1.0\npy312-thing-1.0\npy311-thing-1.0\n", Files.readString(meta.resolve("error")));
    assertEquals(Set.of(bulklog.resolve("py312-thing-1.0/build.log")),
        Set.copyOf(Files.list(bulklog.resolve("py312-thing-1.0")).toList()));
    assertFalse(Files.exists(bulklog.resolve("broken-1.0")));
  }

  @Test
  void nothingFailedStillCreatesAnEmptyErrorFileForBulkbuildRestart() throws Exception {
    Path list = Files.writeString(presolve, "PKGNAME=meta-1.0\nPKG_LOCATION=devel/meta\n");
    SourceResult scanned = new PkgsrcScanner(fixture, ScanOptions.defaults()).scan(PresolveReader.read(list));

    MarkResult r = marker().mark(scanned, report(scanned));

    assertEquals(List.of(), r.markedNames());
    assertEquals("", Files.readString(meta.resolve("error")));
  }

  @Test
  void aMissingLogDirectoryIsNamedBeforeTheRun() {
    PbulkFailureMarker m = new PbulkFailureMarker(presolve, bulklog.resolve("no-such-dir"));
    IOException e = assertThrows(IOException.class, m::checkWritable);
    assertEquals("the pbulk log directory " + bulklog.resolve("no-such-dir") + " does not exist", e.getMessage());
  }

  @Test
  void aLogThatCannotBeWrittenFailsNamingItAndListsNothing() throws Exception {
    Files.writeString(bulklog.resolve("py312-thing-1.0"), "a file where the package's log directory goes\n");
    SourceResult scanned = scan();

    IOException e = assertThrows(IOException.class,
        () -> marker().mark(scanned, report(scanned, "thing-compat-py312.tar.gz")));

    assertTrue(e.getMessage().startsWith("cannot write the pbulk log " + bulklog.resolve("py312-thing-1.0")
        .resolve("checksum.log") + ": "), e.getMessage());
    assertFalse(Files.exists(meta.resolve("error")));
  }

  @Test
  void theDefaultLogDirectoryIsTheOneAboveMeta() {
    assertEquals(Path.of("/bulklog"), PbulkFailureMarker.defaultBulklog(Path.of("/bulklog/meta/presolve")));
    assertThrows(IllegalArgumentException.class, () -> PbulkFailureMarker.defaultBulklog(Path.of("/presolve")));
  }
}
