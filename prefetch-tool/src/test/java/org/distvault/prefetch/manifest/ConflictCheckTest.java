package org.distvault.prefetch.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;

/**
 * Lines that contradict an earlier line about the same name and PKGPATH are errors naming both
 * lines, through {@link ManifestReader#readRest} (what {@code prefetch --manifest} and the
 * server's upload use).
 */
class ConflictCheckTest {
  private static final String A512 = "a".repeat(128);
  private static final String B512 = "b".repeat(128);
  private static final String A2 = "c".repeat(64);
  private static final String B2 = "d".repeat(64);

  private static String line(String name, String pkgpaths, String size, String digests) {
    return "{\"name\":\"" + name + "\",\"pkgpaths\":[" + pkgpaths + "]"
        + (size == null ? "" : ",\"size\":" + size) + ",\"digests\":{" + digests + "}}\n";
  }

  private static String sha512(String hex) {
    return "\"sha512\":\"" + hex + "\"";
  }

  private static Manifest read(String text) throws IOException {
    try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(text.getBytes(UTF_8)))) {
      return r.readRest(100);
    }
  }

  private static List<String> errors(Manifest m) {
    return m.errors().stream().map(ManifestError::toString).collect(Collectors.toList());
  }

  @Test
  void sameNameAndPkgpathWithAnotherDigestNamesBothLines() throws IOException {
    Manifest m = read(line("x-1.0.tgz", "\"devel/x\"", "10", sha512(A512))
        + line("y-1.0.tgz", "\"devel/y\"", "10", sha512(A512))
        + "\n"
        + line("x-1.0.tgz", "\"devel/x\"", "10", sha512(B512)));
    assertEquals(List.of("line 4: x-1.0.tgz for PKGPATH devel/x conflicts with line 1: SHA512 differs"), errors(m));
    assertEquals(1, m.errorCount());
    assertEquals(2, m.entries().size(), "the conflicting line is not an entry");
  }

  @Test
  void sameNameAndPkgpathWithAnotherSizeNamesBothLines() throws IOException {
    Manifest m = read(line("x-1.0.tgz", "\"devel/x\"", "10", sha512(A512))
        + line("x-1.0.tgz", "\"devel/x\"", "11", sha512(A512)));
    assertEquals(List.of("line 2: x-1.0.tgz for PKGPATH devel/x conflicts with line 1: size 11 differs from 10"),
        errors(m));
  }

  @Test
  void oneSharedPkgpathIsEnoughAndIsNamed() throws IOException {
    Manifest m = read(line("x-1.0.tgz", "\"devel/a\",\"devel/b\"", "10", sha512(A512))
        + line("x-1.0.tgz", "\"devel/b\",\"devel/c\"", "10", sha512(B512)));
    assertEquals(List.of("line 2: x-1.0.tgz for PKGPATH devel/b conflicts with line 1: SHA512 differs"), errors(m));
  }

  @Test
  void identicalLinesRepeatedAreAcceptedAsBefore() throws IOException {
    String x = line("x-1.0.tgz", "\"devel/x\"", "10", sha512(A512) + ",\"blake2s\":\"" + A2 + "\"");
    Manifest m = read(x + x + line("x-1.0.tgz", "\"devel/x\"", "10", sha512(A512)) + x);
    assertEquals(List.of(), errors(m));
    assertEquals(4, m.entries().size());
  }

  @Test
  void differentPkgpathsWithDifferentContentAreVariantsAndAccepted() throws IOException {
    Manifest m = read(line("v2.1.0.tar.gz", "\"wip/pheanstalk\"", "10", sha512(A512))
        + line("v2.1.0.tar.gz", "\"wip/boron\"", "20", sha512(B512))
        + line("v2.1.0.tar.gz", "", "30", "\"sha512\":\"" + "e".repeat(128) + "\""));
    assertEquals(List.of(), errors(m));
    assertEquals(3, m.entries().size());
    assertEquals(Set.of("wip/boron"), m.entries().get(1).pkgpaths());
  }

  @Test
  void linesThatOnlyAddFactsAreAcceptedAndEachIsCheckedLater() throws IOException {
    // Line 1 gives the size only, line 2 the SHA512 only, line 3 both, line 4 another algorithm:
    // none contradicts another. Line 5 contradicts line 1's size, line 6 line 2's digest.
    Manifest m = read(line("x.tgz", "\"devel/x\"", "10", "")
        + line("x.tgz", "\"devel/x\"", null, sha512(A512))
        + line("x.tgz", "\"devel/x\"", "10", sha512(A512))
        + line("x.tgz", "\"devel/x\"", null, "\"blake2s\":\"" + A2 + "\"")
        + line("x.tgz", "\"devel/x\"", "12", "\"blake2s\":\"" + A2 + "\"")
        + line("x.tgz", "\"devel/x\"", null, sha512(B512) + ",\"blake2s\":\"" + A2 + "\"")
        + line("x.tgz", "\"devel/x\"", null, "\"blake2s\":\"" + B2 + "\""));
    assertEquals(List.of(
        "line 5: x.tgz for PKGPATH devel/x conflicts with line 1: size 12 differs from 10",
        "line 6: x.tgz for PKGPATH devel/x conflicts with line 2: SHA512 differs",
        "line 7: x.tgz for PKGPATH devel/x conflicts with line 4: BLAKE2s differs"), errors(m));
  }

  @Test
  void oldAndNewDistinfoSharingNoAlgorithmDoNotConflict() throws IOException {
    Manifest m = read(line("x.tgz", "\"devel/x\"", null, "\"sha1\":\"" + "1".repeat(40) + "\"")
        + line("x.tgz", "\"devel/x\"", null, sha512(A512)));
    assertEquals(List.of(), errors(m));
  }

  @Test
  void tooManyPairsToCheckRefuseTheManifestOnce() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      text.append(line("x" + i + ".tgz", "\"devel/x\"", "10", ""));
    }
    text.append(line("x0.tgz", "\"devel/x\"", "10", "")).append(line("x1.tgz", "\"devel/x\"", "9", ""));
    ConflictCheck check = new ConflictCheck(3);
    List<String> got = new ArrayList<>();
    try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(text.toString().getBytes(UTF_8)))) {
      for (ManifestLine l = r.next(); l != null; l = r.next()) {
        if (check.check(l) instanceof ManifestLine.Malformed bad) {
          got.add(bad.error().toString());
        }
      }
    }
    assertEquals(List.of(
        "line 4: more than 3 distinct (name, PKGPATH) pairs: too many to check for conflicts in one manifest; "
            + "split it",
        "line 8: x1.tgz for PKGPATH devel/x conflicts with line 2: size 9 differs from 10"), got);
  }

  @Test
  void malformedLinesPassThroughUnchanged() {
    ManifestLine bad = new ManifestLine.Malformed(3, new ManifestError(3, "missing name"));
    assertEquals(bad, new ConflictCheck().check(bad));
    ManifestLine ok = new ManifestLine.Entry(4, new ExpectedDistfile(
        org.distvault.storage.name.DistfileName.of("a.tgz"), java.util.OptionalLong.of(1),
        org.distvault.storage.digest.Digests.empty(), Set.of("devel/a"), List.of()));
    assertEquals(ok, new ConflictCheck().check(ok));
  }

  @Test
  void everyPairIsStillFoundAfterTheTableGrew() throws IOException {
    StringBuilder text = new StringBuilder();
    int pairs = 5000; // the table starts with 1,024 slots and doubles at half full
    for (int i = 0; i < pairs; i++) {
      text.append(line("p-" + i + ".tgz", "\"cat" + (i % 7) + "/p" + i + "\"", "10", sha512(A512)));
    }
    for (int i = 0; i < pairs; i += 499) {
      text.append(line("p-" + i + ".tgz", "\"cat" + (i % 7) + "/p" + i + "\"", "10", sha512(A512))); // repeats
      text.append(line("p-" + i + ".tgz", "\"cat" + (i % 7) + "/p" + i + "\"", "12", sha512(A512)));
    }
    Manifest m = read(text.toString());
    List<String> errors = errors(m);
    assertEquals(11, m.errorCount());
    assertEquals("line 5002: p-0.tgz for PKGPATH cat0/p0 conflicts with line 1: size 12 differs from 10", errors.get(0));
    assertEquals("line 5022: p-4990.tgz for PKGPATH cat6/p4990 conflicts with line 4991: size 12 differs from 10",
        errors.get(10));
    assertEquals(pairs + 11, m.entries().size());
  }
}
