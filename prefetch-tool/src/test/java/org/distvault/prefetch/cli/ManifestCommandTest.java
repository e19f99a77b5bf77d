package org.distvault.prefetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.distvault.prefetch.manifest.Manifest;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.prefetch.source.PkgsrcFixture;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault manifest} over the prefetch tool's pkgsrc fixture tree with real bmake, and
 * over distinfo files with mirror sites. Skipped only when bmake is not installed.
 */
class ManifestCommandTest {
  @TempDir Path tmp;

  private static Manifest parse(String jsonLines) throws IOException {
    try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(jsonLines.getBytes(StandardCharsets.UTF_8)))) {
      return r.readRest(10);
    }
  }

  @Test
  void wholeFixtureTreeGivesParseableLinesAndExitsOneForItsFailingPackages() throws IOException {
    CliRun r = CliRun.of("manifest", "--pkgsrc", PkgsrcFixture.tree().toString());

    assertEquals(1, r.code(), r.toString());
    Manifest m = parse(r.out());
    assertEquals(0, m.errorCount(), m.errors().toString());
    assertEquals(15, m.entries().size(), r.out());
    assertEquals(15, r.out().lines().count());
    ExpectedDistfile mysql = m.entries().stream().filter(e -> e.name().value().startsWith("mysql")).findFirst()
        .orElseThrow();
    assertEquals("mysql%2B%2B-3.3.0.tar.gz", mysql.name().value());
    assertEquals(Set.of("wip/mysql++"), mysql.pkgpaths());
    assertEquals("https://tangentsoft.example/mysqlpp/releases/mysql%2B%2B-3.3.0.tar.gz", mysql.urls().get(0));
    assertTrue(r.err().contains("error: devel/broken: bmake exited with status 1\n    "), r.toString());
    assertTrue(r.err().contains("note: devel/licensed: licensed-1.0 not prefetched: PKG_FAIL_REASON"), r.toString());
    assertTrue(r.err().endsWith("manifest: 15 distfiles of 10 packages; 4 errors, 7 notes; "
        + "failed: devel/broken devel/nosum devel/oddsites\n"), r.toString());
  }

  @Test
  void packageListToOutputFileExitsZeroWhenEveryPackageScans() throws IOException {
    Path list = Files.writeString(tmp.resolve("pkgpaths"), "devel/libfoo\n# comment\ngames/sounds/\n");
    Path out = tmp.resolve("manifest.jsonl");
    CliRun r = CliRun.of("manifest", "--pkgsrc", PkgsrcFixture.tree().toString(), "--pkgpaths", list.toString(), "--bmake",
        "bmake", "--output", out.toString());

    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.out());
    Manifest m = ManifestReader.readAll(out, 10);
    assertEquals(0, m.errorCount());
    assertEquals(List.of("libfoo-1.0-fix.diff.gz", "libfoo-1.0.tar.gz", "sounds-2.0/sounds-2.0.tar.gz",
        "sounds-2.0/voices=en.zip"), m.entries().stream().map(e -> e.name().value()).toList());
    assertTrue(r.err().endsWith("manifest: 4 distfiles of 2 packages; 0 errors, 0 notes\n"), r.toString());
  }

  @Test
  void distinfoWithSitesGivesMirrorUrlsInSiteOrder() throws IOException {
    byte[] a = TestFiles.bytes(1, 100);
    Path distinfo = Files.createDirectories(tmp.resolve("tree/cat/a")).resolve("distinfo");
    Files.write(distinfo, List.of("$NetBSD$", "",
        "BLAKE2s (sub/a-1.0.tar.gz) = " + TestFiles.digests(a).get(DigestAlgorithm.BLAKE2S).orElseThrow().hex(),
        "SHA512 (sub/a-1.0.tar.gz) = " + TestFiles.sha512(a),
        "Size (sub/a-1.0.tar.gz) = " + a.length + " bytes"), StandardCharsets.UTF_8);
    CliRun r = CliRun.of("manifest", "--distinfo", tmp.resolve("tree").toString(), "--site",
        "https://cdn.example.org/pub/pkgsrc/distfiles", "/srv/distfiles");

    assertEquals(0, r.code(), r.toString());
    assertEquals(List.of(TestFiles.entry("sub/a-1.0.tar.gz", "cat/a", a,
            "https://cdn.example.org/pub/pkgsrc/distfiles/sub/a-1.0.tar.gz", "file:///srv/distfiles/sub/a-1.0.tar.gz")),
        parse(r.out()).entries());
  }
}
