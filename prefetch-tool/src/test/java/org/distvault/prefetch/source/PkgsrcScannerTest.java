package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distvault.prefetch.manifest.Manifest;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bmake over the committed fixture tree (src/test/resources/pkgsrc-fixture, see its
 * README). Skipped only when no bmake is installed (Debian package {@code bmake}).
 */
class PkgsrcScannerTest {
  private static final String BACKUP = "http://backup.example/pub/pkgsrc/distfiles/";
  private static Path fixture;

  @TempDir Path tmp;

  @BeforeAll
  static void findBmakeAndFixture() {
    fixture = PkgsrcFixture.tree();
  }


  private static ScanOptions options() {
    return ScanOptions.defaults().withJobs(2).withTimeout(Duration.ofSeconds(60));
  }

  /** The entry for a fixture distfile: its content is "fixture distfile NAME\n". */
  private static ExpectedDistfile fx(String name, Set<String> pkgpaths, String... urls) {
    return Distfiles.entry(name, Distfiles.fixtureContent(name), pkgpaths, List.of(urls));
  }

  private static List<String> kinds(SourceResult r) {
    return r.problems().stream().map(p -> p.kind() + " " + p.where()).toList();
  }

  private static SourceProblem only(SourceResult r, ProblemKind kind) {
    List<SourceProblem> found = r.problems().stream().filter(p -> p.kind() == kind).toList();
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  @Test
  void wholeTreeGivesTheExactManifest() throws Exception {
    SourceResult r = new PkgsrcScanner(fixture, options()).scanTree();

    assertEquals(List.of(
            fx("libfoo-1.0-fix.diff.gz", Set.of("devel/libfoo"),
                "https://patches.example.org/libfoo/libfoo-1.0-fix.diff.gz", BACKUP + "libfoo-1.0-fix.diff.gz"),
            fx("libfoo-1.0.tar.gz", Set.of("devel/libfoo", "devel/libfoo-docs"),
                "https://download.example.org/libfoo/libfoo-1.0.tar.gz",
                "ftp://ftp.example.org/pub/libfoo/libfoo-1.0.tar.gz",
                "https://docs.example.org/libfoo/libfoo-1.0.tar.gz",
                BACKUP + "libfoo-1.0.tar.gz"),
            fx("libfoo-docs-1.0.tar.gz", Set.of("devel/libfoo-docs"),
                "https://docs.example.org/libfoo/libfoo-docs-1.0.tar.gz", BACKUP + "libfoo-docs-1.0.tar.gz"),
            fx("nosum-1.0.tar.gz", Set.of("devel/nosum"),
                "https://nosum.example.org/nosum-1.0.tar.gz", BACKUP + "nosum-1.0.tar.gz"),
            fx("odd-1.0.tar.gz", Set.of("devel/oddsites"),
                "https://ok.example/odd/odd-1.0.tar.gz", BACKUP + "odd-1.0.tar.gz"),
            fx("snapshot-data-1.0.tar.gz", Set.of("devel/snapshot"),
                "https://snapshot.example.org/snapshot-data-1.0.tar.gz", BACKUP + "snapshot-data-1.0.tar.gz"),
            fx("sounds-2.0/sounds-2.0.tar.gz", Set.of("games/sounds"),
                "https://games.example.org/dist/sounds-2.0.tar.gz", BACKUP + "sounds-2.0/sounds-2.0.tar.gz"),
            fx("sounds-2.0/voices=en.zip", Set.of("games/sounds"),
                "https://voices.example.org/files/voices=en.zip", BACKUP + "sounds-2.0/voices=en.zip"),
            fx("github.com__burnt_sushi_toml_@v_v1.3.2.mod", Set.of("lang/go-app"),
                "https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.3.2.mod",
                BACKUP + "github.com__burnt_sushi_toml_@v_v1.3.2.mod"),
            fx("github.com__burnt_sushi_toml_@v_v1.3.2.zip", Set.of("lang/go-app"),
                "https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.3.2.zip",
                BACKUP + "github.com__burnt_sushi_toml_@v_v1.3.2.zip"),
            fx("go-app-0.5.tar.gz", Set.of("lang/go-app"),
                "https://github.com/example/go-app/releases/download/v0.5/go-app-0.5.tar.gz",
                BACKUP + "go-app-0.5.tar.gz"),
            fx("golang.org_x_sys_@v_v0.15.0.mod", Set.of("lang/go-app"),
                "https://proxy.golang.org/golang.org/x/sys/@v/v0.15.0.mod", BACKUP + "golang.org_x_sys_@v_v0.15.0.mod"),
            fx("thing-1.0.tar.gz", Set.of("lang/py-thing"),
                "https://files.example.org/thing/thing-1.0.tar.gz", BACKUP + "thing-1.0.tar.gz"),
            fx("gh-tool-1.2.tar.gz", Set.of("net/gh-tool"),
                "https://github.com/example/gh-tool/archive/v1.2.tar.gz", BACKUP + "gh-tool-1.2.tar.gz"),
            fx("mysql%2B%2B-3.3.0.tar.gz", Set.of("wip/mysql++"),
                // upstream: raw, as pkgsrc sends it; mirror: the literal name, '%' encoded
                "https://tangentsoft.example/mysqlpp/releases/mysql%2B%2B-3.3.0.tar.gz",
                BACKUP + "mysql%252B%252B-3.3.0.tar.gz")),
        r.entries());

    assertEquals(List.of(
            "MAKE_FAILED devel/broken",
            "PKG_FAIL_REASON devel/licensed",
            "PKG_SKIP_REASON devel/linux-only",
            "NO_CHECKSUM devel/nosum",
            "UNVERIFIABLE devel/oddsites",
            "BAD_SITE devel/oddsites",
            "BAD_SITE devel/oddsites",
            "BAD_SITE devel/oddsites",
            "NOT_CHECKSUMMED devel/snapshot",
            "NOT_CHECKSUMMED devel/unverified",
            "DISTINFO_SYNTAX " + fixture.resolve("devel/oddsites/distinfo") + ":3"),
        kinds(r));
    SourceProblem broken = r.problems().get(0);
    assertEquals(Optional.of("devel/broken"), broken.pkgpath());
    assertTrue(broken.message().startsWith("bmake exited with status 1\n"), broken.message());
    assertTrue(broken.message().contains(fixture.resolve("devel/broken/Makefile") + "\" line 7: Malformed conditional"),
        broken.message());
    assertEquals("licensed-1.0 not prefetched: PKG_FAIL_REASON \"The licence of licensed-1.0 has not been accepted.\"",
        r.problems().get(1).message());
    assertEquals("linux-only-1.0 not prefetched: PKG_SKIP_REASON \"linux-only-1.0 is only for Linux-9.9-*\"",
        r.problems().get(2).message());
    assertEquals("no checksum for 'extra-1.0.tar.gz' in " + fixture.resolve("devel/nosum/distinfo"),
        r.problems().get(3).message());
    assertEquals("'md5only-1.0.tar.gz' has no digest distvault can compute in "
        + fixture.resolve("devel/oddsites/distinfo") + " (only MD5)", r.problems().get(4).message());
    // The backquoted getsite.sh command of SITES.odd-1.0.tar.gz, word by word.
    assertTrue(r.problems().get(5).message().startsWith("site '`sh' dropped: '`shodd-1.0.tar.gz' is not a usable URL"),
        r.problems().get(5).message());
    assertEquals("site '" + fixture.resolve("devel/oddsites/files/getsite.sh") + "' dropped: '"
        + fixture.resolve("devel/oddsites/files/getsite.sh") + "odd-1.0.tar.gz' is not a usable URL: not absolute (no scheme)",
        r.problems().get(6).message());
    assertEquals("'snapshot-latest.tar.gz' is fetched but never checksummed by pkgsrc (IGNOREFILES): not prefetched",
        r.problems().get(8).message());
    assertEquals("NO_CHECKSUM is set: pkgsrc verifies none of 'unverified-1.0.tar.gz', so they are not prefetched",
        r.problems().get(9).message());
    assertEquals(Optional.of("devel/oddsites"), r.problems().get(10).pkgpath());
    assertEquals(Set.of("devel/broken", "devel/nosum", "devel/oddsites"), r.failedPkgpaths());
  }

  @Test
  void theManifestWrittenFromAScanReadsBackEntryForEntry() throws Exception {
    SourceResult r = new PkgsrcScanner(fixture, options()).scanTree();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ManifestWriter w = new ManifestWriter(out)) {
      for (ExpectedDistfile e : r.entries()) {
        w.write(e);
      }
    }
    Path file = Files.write(tmp.resolve("manifest.jsonl"), out.toByteArray());
    Manifest m = ManifestReader.readAll(file, 10);
    assertEquals(0, m.errorCount(), m.errors().toString());
    assertEquals(r.entries(), m.entries());
    String mysql = new String(out.toByteArray(), StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("mysql")).findFirst().orElseThrow();
    assertTrue(mysql.startsWith("{\"name\":\"mysql%2B%2B-3.3.0.tar.gz\",\"pkgpaths\":[\"wip/mysql++\"],\"size\":42,"),
        mysql);
  }

  @Test
  void presolveRestrictsTheScanAndMultiVersionVariantsMerge() throws Exception {
    Path presolve = Files.writeString(tmp.resolve("presolve"), """
        PKGNAME=libfoo-docs-1.0
        PKG_LOCATION=devel/libfoo-docs
        DEPENDS=
        PKGNAME=py311-thing-1.0
        PKG_LOCATION=lang/py-thing
        MULTI_VERSION= PYTHON_VERSION_REQD=311
        PKGNAME=py312-thing-1.0
        PKG_LOCATION=lang/py-thing
        MULTI_VERSION= PYTHON_VERSION_REQD=312
        PKGNAME=mysql++-3.3.0
        PKG_LOCATION=wip/mysql++
        """);

    PackageList list = PresolveReader.read(presolve);
    SourceResult r = new PkgsrcScanner(fixture, options()).scan(list);

    // devel/libfoo, devel/broken, devel/hang ... are not visited: no libfoo patch file, no
    // devel/libfoo among the PKGPATHs, no problem at all.
    assertEquals(List.of(
            fx("libfoo-1.0.tar.gz", Set.of("devel/libfoo-docs"),
                "https://docs.example.org/libfoo/libfoo-1.0.tar.gz", BACKUP + "libfoo-1.0.tar.gz"),
            fx("libfoo-docs-1.0.tar.gz", Set.of("devel/libfoo-docs"),
                "https://docs.example.org/libfoo/libfoo-docs-1.0.tar.gz", BACKUP + "libfoo-docs-1.0.tar.gz"),
            fx("thing-1.0.tar.gz", Set.of("lang/py-thing"),
                "https://files.example.org/thing/thing-1.0.tar.gz", BACKUP + "thing-1.0.tar.gz"),
            fx("thing-compat-py312.tar.gz", Set.of("lang/py-thing"),
                "https://files.example.org/thing/thing-compat-py312.tar.gz", BACKUP + "thing-compat-py312.tar.gz"),
            fx("mysql%2B%2B-3.3.0.tar.gz", Set.of("wip/mysql++"),
                "https://tangentsoft.example/mysqlpp/releases/mysql%2B%2B-3.3.0.tar.gz",
                BACKUP + "mysql%252B%252B-3.3.0.tar.gz")),
        r.entries());
    assertEquals(List.of(), r.problems());
  }

  @Test
  void aHungBmakeIsKilledWithItsChildrenAndTheOthersGoOn() throws Exception {
    Path pidfile = tmp.resolve("hang.pid");
    ScanOptions o = options().withTimeout(Duration.ofSeconds(2)).withEnvironment(Map.of("HANG_PIDFILE", pidfile.toString()));
    PackageList list = new PackageList(List.of(PackageRef.of("devel/hang"), PackageRef.of("net/gh-tool")), List.of());

    SourceResult r = new PkgsrcScanner(fixture, o).scan(list);

    assertEquals(List.of(fx("gh-tool-1.2.tar.gz", Set.of("net/gh-tool"),
        "https://github.com/example/gh-tool/archive/v1.2.tar.gz", BACKUP + "gh-tool-1.2.tar.gz")), r.entries());
    SourceProblem hang = only(r, ProblemKind.MAKE_TIMEOUT);
    assertEquals("devel/hang", hang.where());
    assertTrue(hang.message().startsWith("bmake did not finish within 2 s and was killed"), hang.message());
    long pid = Long.parseLong(Files.readString(pidfile).strip());
    assertFalse(runningProcess(pid), "the sleep started by the hung bmake is still running: pid " + pid);
  }

  @Test
  void interruptingAScanKillsTheBmakeItRuns() throws Exception {
    Path pidfile = tmp.resolve("hang.pid");
    ScanOptions o = options().withEnvironment(Map.of("HANG_PIDFILE", pidfile.toString()));
    PackageList list = new PackageList(List.of(PackageRef.of("devel/hang")), List.of());
    Throwable[] thrown = new Throwable[1];
    Thread t = new Thread(() -> {
      try {
        new PkgsrcScanner(fixture, o).scan(list);
      } catch (Throwable e) {
        thrown[0] = e;
      }
    });
    t.start();
    for (int i = 0; i < 300 && (!Files.exists(pidfile) || Files.readString(pidfile).isBlank()); i++) {
      Thread.sleep(20);
    }
    long pid = Long.parseLong(Files.readString(pidfile).strip());
    t.interrupt();
    t.join(30_000);
    assertFalse(t.isAlive());
    assertTrue(thrown[0] instanceof InterruptedException, String.valueOf(thrown[0]));
    assertFalse(runningProcess(pid), "the sleep started by the interrupted bmake is still running: pid " + pid);
  }

  @Test
  void aFailingVariantIsNamedWithItsMultiVersion() throws Exception {
    PackageList list = new PackageList(List.of(new PackageRef("devel/broken", Map.of("PYTHON_VERSION_REQD", "312"))),
        List.of());
    SourceResult r = new PkgsrcScanner(fixture, options()).scan(list);
    assertTrue(only(r, ProblemKind.MAKE_FAILED).message().startsWith(
        "with PYTHON_VERSION_REQD=312: bmake exited with status 1\n"), r.problems().toString());
  }

  /** Alive and not a zombie (an orphan's zombie waits for a reaper, but runs no more). */
  private static boolean runningProcess(long pid) throws IOException, InterruptedException {
    for (int i = 0; i < 50; i++) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      Path stat = Path.of("/proc", Long.toString(pid), "stat");
      boolean zombie = Files.exists(stat) && Files.readString(stat).replaceFirst("^.*\\) ", "").startsWith("Z");
      if (h.isEmpty() || !h.get().isAlive() || zombie) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  @Test
  void listedPackagesThatDoNotExistAreReportedAndTheRestScanned() throws Exception {
    PackageList list = new PackageList(List.of(PackageRef.of("devel/nope"), PackageRef.of("devel/meta"),
        PackageRef.of("games/sounds")), List.of());

    SourceResult r = new PkgsrcScanner(fixture, options()).scan(list);

    assertEquals(List.of("sounds-2.0/sounds-2.0.tar.gz", "sounds-2.0/voices=en.zip"),
        r.entries().stream().map(e -> e.name().value()).toList());
    assertEquals(List.of("NO_SUCH_PACKAGE devel/nope"), kinds(r));
    assertEquals("no package at " + fixture.resolve("devel/nope") + " (no Makefile)", r.problems().get(0).message());
  }

  @Test
  void aSharedDistinfoWithBadLinesIsReportedOnceWhateverReadsIt() throws Exception {
    Path tree = copyFixture();
    Path distinfo = tree.resolve("devel/libfoo/distinfo");
    Files.writeString(distinfo, Files.readString(distinfo) + "SHA512 (junk.tgz) = xyz\n");
    PackageList list = new PackageList(List.of(PackageRef.of("devel/libfoo"), PackageRef.of("devel/libfoo-docs")),
        List.of());

    SourceResult r = new PkgsrcScanner(tree, options()).scan(list);

    assertEquals(List.of("libfoo-1.0-fix.diff.gz", "libfoo-1.0.tar.gz", "libfoo-docs-1.0.tar.gz"),
        r.entries().stream().map(e -> e.name().value()).toList());
    SourceProblem p = only(r, ProblemKind.DISTINFO_SYNTAX);
    assertEquals(distinfo + ":13", p.where());
    assertEquals(Optional.of("devel/libfoo"), p.pkgpath());
  }

  @Test
  void aMissingDistinfoFileIsAProblemOfThePackage() throws Exception {
    Path tree = copyFixture();
    Files.delete(tree.resolve("wip/mysql++/distinfo"));

    SourceResult r = new PkgsrcScanner(tree, options()).scan(
        new PackageList(List.of(PackageRef.of("wip/mysql++")), List.of()));

    assertEquals(List.of(), r.entries());
    assertEquals("DISTINFO_FILE " + tree.resolve("wip/mysql++/distinfo") + " does not exist: no checksum for "
        + "'mysql%2B%2B-3.3.0.tar.gz'", only(r, ProblemKind.NO_CHECKSUM).message());
  }

  @Test
  void aMissingBmakeStopsTheWholeScan() {
    ScanOptions o = options().withBmake(tmp.resolve("no-such-bmake").toString());
    BmakeUnavailableException e = assertThrows(BmakeUnavailableException.class,
        () -> new PkgsrcScanner(fixture, o).scan(new PackageList(List.of(PackageRef.of("net/gh-tool")), List.of())));
    assertTrue(e.getMessage().startsWith("cannot run bmake '" + tmp.resolve("no-such-bmake") + "'"), e.getMessage());
    assertThrows(BmakeUnavailableException.class, () -> new PkgsrcScanner(fixture, o).scanTree());
  }

  @Test
  void aTreeWhoseTopMakefileFailsCannotBeScanned() {
    IOException e = assertThrows(IOException.class, () -> new PkgsrcScanner(tmp, options()).scanTree());
    assertTrue(e.getMessage().startsWith("cannot list the categories of " + tmp + ": bmake exited with status"),
        e.getMessage());
  }

  /** A writable copy of the fixture, for tests that damage it. */
  private Path copyFixture() throws IOException {
    Path copy = tmp.resolve("pkgsrc");
    try (var files = Files.walk(fixture)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(fixture.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return copy;
  }
}
