package org.distvault.storage.distinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.distvault.storage.TestData;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses every one of the 20,381 real distinfo files of pkgsrc-2017Q4, pkgsrc-wip (2025) and
 * the Joyent overlay (2026), and checks each against an independent count and the totals
 * against the statistics of {@code testdata/README.md} ("Statistics of the three trees"). The test unpacks the
 * tarball with {@code tar} into a temporary directory and reads the files from disk.
 */
class AllDistinfoTest {
  private static final Map<String, TreeStats> STATS = new TreeMap<>();
  private static final List<String> MISMATCHES = new ArrayList<>();
  private static final List<DistinfoProblem> PROBLEMS = new ArrayList<>();
  private static final List<String> NAMES = new ArrayList<>();
  private static int fileCount;

  /** The order testdata/README.md writes algorithm sets in. */
  private static final List<DigestAlgorithm> SPEC_ORDER =
      List.of(
          DigestAlgorithm.BLAKE2S,
          DigestAlgorithm.SHA1,
          DigestAlgorithm.RMD160,
          DigestAlgorithm.SHA256,
          DigestAlgorithm.SHA512);

  private static final Pattern EXPANDED =
      Pattern.compile(
          "\\$NetBSD: distinfo,v [0-9.]+ \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\S+ Exp \\$");

  /** Figures for one source tree, the ones testdata/README.md tabulates. */
  private static final class TreeStats {
    int files;
    int distfiles;
    int patches;
    final Set<String> distinctNames = new HashSet<>();
    final Map<String, Integer> hashLines = new TreeMap<>();
    final Map<String, Integer> algorithmSets = new TreeMap<>();
    int subdirEntries;
    int filesUsingSubdir;
    int multiLevelSubdirEntries;
    final Set<String> subdirs = new HashSet<>();
    int distfilesWithoutSize;
    int filesWithoutDistfile;
    int emptyFiles;
    long largestSize;
    int otherDigestLines;
    /** name -> first entry seen, to find one name with different content in two files. */
    final Map<String, DistfileEntry> byName = new HashMap<>();
    final Set<String> conflictingNames = new TreeSet<>();
    final Map<String, Integer> headers = new TreeMap<>();
  }

  /** The tarball unpacked by {@code tar xzf}, as an operator would have the files. */
  private static Path unpacked;

  @BeforeAll
  static void parseEveryFileOfTheTarball() throws IOException, InterruptedException {
    unpacked = Files.createTempDirectory("distinfo-all");
    run("tar", "xzf", TestData.allDistinfoTarball().toString(), "-C", unpacked.toString());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(unpacked)) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      String name = unpacked.relativize(file).toString();
      assertTrue(name.endsWith("/distinfo"), name);
      NAMES.add(name);
      byte[] content = Files.readAllBytes(file);
      Distinfo d = DistinfoParser.parse(name, content);
      fileCount++;
      PROBLEMS.addAll(d.problems());
      LooseDistinfoCount loose = LooseDistinfoCount.of(content);
      LooseDistinfoCount parsed =
          new LooseDistinfoCount(d.distfiles().size(), d.patches().size(), d.problems().size());
      if (!loose.equals(parsed)) {
        MISMATCHES.add(name + ": independent " + loose + ", parser " + parsed);
      }
      add(STATS.computeIfAbsent(treeOf(name), k -> new TreeStats()), d, content.length == 0);
    }
  }

  @AfterAll
  static void removeUnpackedTree() throws IOException, InterruptedException {
    // rm -rf is far quicker than a recursive delete from Java for 20k small files.
    if (unpacked != null) {
      run("rm", "-rf", unpacked.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + out);
  }

  private static String treeOf(String rel) {
    return rel.startsWith("wip/") ? "wip" : rel.startsWith("joyent/") ? "joyent" : "2017Q4";
  }

  private static void add(TreeStats t, Distinfo d, boolean empty) {
    t.files++;
    t.distfiles += d.distfiles().size();
    t.patches += d.patches().size();
    t.emptyFiles += empty ? 1 : 0;
    t.filesWithoutDistfile += d.distfiles().isEmpty() ? 1 : 0;
    t.headers.merge(headerKind(d.header().orElse(null)), 1, Integer::sum);
    boolean usesSubdir = false;
    for (DistfileEntry e : d.distfiles()) {
      String name = e.name().value();
      t.distinctNames.add(name);
      Set<DigestAlgorithm> algs = e.digests().algorithms();
      for (DigestAlgorithm a : algs) {
        t.hashLines.merge(a.distinfoName(), 1, Integer::sum);
      }
      t.algorithmSets.merge(
          SPEC_ORDER.stream()
              .filter(a -> algs.contains(a))
              .map(DigestAlgorithm::distinfoName)
              .collect(Collectors.joining("+")),
          1,
          Integer::sum);
      t.otherDigestLines += e.otherDigests().size();
      if (!e.subdir().isEmpty()) {
        usesSubdir = true;
        t.subdirEntries++;
        t.multiLevelSubdirEntries += e.subdir().contains("/") ? 1 : 0;
        t.subdirs.add(e.subdir());
      }
      if (e.size().isEmpty()) {
        t.distfilesWithoutSize++;
      } else {
        t.largestSize = Math.max(t.largestSize, e.size().getAsLong());
      }
      DistfileEntry first = t.byName.putIfAbsent(name, e);
      if (first != null && differs(first, e)) {
        t.conflictingNames.add(name);
      }
    }
    for (PatchEntry p : d.patches()) {
      t.otherDigestLines += p.otherDigests().size();
    }
    t.filesUsingSubdir += usesSubdir ? 1 : 0;
  }

  private static String headerKind(String header) {
    if (header == null) {
      return "none";
    }
    if (header.equals("$NetBSD$")) {
      return "unexpanded";
    }
    return EXPANDED.matcher(header).matches() ? "expanded" : "odd";
  }

  /** Two entries of one name disagree on a size or on a digest both list. */
  private static boolean differs(DistfileEntry a, DistfileEntry b) {
    if (a.size().isPresent() && b.size().isPresent() && a.size().getAsLong() != b.size().getAsLong()) {
      return true;
    }
    for (Digest da : a.digests().asMap().values()) {
      Digest db = b.digests().asMap().get(da.algorithm());
      if (db != null && !db.equals(da)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void everyFileIsReadAndMatchesTheIndependentCount() throws IOException, InterruptedException {
    assertEquals(20_381, fileCount);
    assertEquals(List.of(), MISMATCHES);
    // Every file the archive lists was unpacked and read.
    Process tar =
        new ProcessBuilder("tar", "tzf", TestData.allDistinfoTarball().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> listed;
    try (BufferedReader r = tar.inputReader(StandardCharsets.UTF_8)) {
      listed = r.lines().collect(Collectors.toList());
    }
    assertTrue(tar.waitFor(2, TimeUnit.MINUTES), "tar did not finish");
    assertEquals(0, tar.exitValue(), "tar tzf failed");
    assertEquals(new TreeSet<>(listed), new TreeSet<>(NAMES));
    assertEquals(listed.size(), NAMES.size());
  }

  @Test
  void treeFiguresEqualPkgsrcSpec() {
    TreeStats main = STATS.get("2017Q4");
    assertEquals(14_247, main.files);
    assertEquals(16_961, main.distfiles);
    assertEquals(26_811, main.patches);
    assertEquals(Map.of("RMD160", 16_961, "SHA1", 16_961, "SHA512", 16_713), main.hashLines);
    assertEquals(Map.of("SHA1+RMD160+SHA512", 16_713, "SHA1+RMD160", 248), main.algorithmSets);
    assertEquals(4_784, main.subdirEntries);
    assertEquals(2_827, main.filesUsingSubdir);
    assertEquals(1_586, main.subdirs.size());
    assertEquals(161, main.multiLevelSubdirEntries);
    assertEquals(1, main.filesWithoutDistfile); // pkgtools/rdigest
    assertEquals(1_348_695_152L, main.largestSize);
    assertEquals(Set.of(), main.conflictingNames);
    assertEquals(Map.of("expanded", 14_247), main.headers);

    TreeStats joyent = STATS.get("joyent");
    assertEquals(221, joyent.files);
    assertEquals(6_810, joyent.distfiles);
    assertEquals(1_355, joyent.patches); // joyent/ree's "#SHA1 (patch-aa)" is a comment
    assertEquals(
        Map.of("BLAKE2s", 18, "RMD160", 1_506, "SHA1", 1_502, "SHA512", 6_636), joyent.hashLines);
    assertEquals(
        Map.of(
            "SHA512", 5_286,
            "SHA1+RMD160+SHA512", 1_328,
            "SHA1+RMD160", 174,
            "BLAKE2s+SHA512", 18,
            "RMD160+SHA512", 4),
        joyent.algorithmSets);
    assertEquals(2_781, joyent.subdirEntries);
    assertEquals(20, joyent.filesUsingSubdir);
    assertEquals(3, joyent.filesWithoutDistfile);
    assertEquals(529_708_540L, joyent.largestSize);
    assertEquals(Set.of(), joyent.conflictingNames);
    assertEquals(Map.of("expanded", 65, "unexpanded", 156), joyent.headers);

    // wip differs from the spec by exactly two headerless files, which the spec's counter read
    // as if line 1 were always the header: wip/gtk2-murrina-fancy-clearlooks loses its only
    // distfile (an RMD160 line) and wip/xemacs-hg one patch. Hence +1 distfile, +1 patch,
    // +1 RMD160 line, +1 "RMD160"-only entry, one file fewer without distfiles.
    TreeStats wip = STATS.get("wip");
    assertEquals(5_913, wip.files);
    assertEquals(141_996 + 1, wip.distfiles);
    assertEquals(14_667 + 1, wip.patches);
    assertEquals(
        Map.of("BLAKE2s", 120_172, "RMD160", 24_250 + 1, "SHA1", 2_466, "SHA512", 140_911),
        wip.hashLines);
    assertEquals(
        Map.of(
            "BLAKE2s+SHA512", 117_738,
            "RMD160+SHA512", 20_700,
            "BLAKE2s+SHA1+RMD160+SHA512", 2_434,
            "RMD160", 1_084 + 1,
            "SHA1+RMD160+SHA512", 31,
            "SHA512", 8,
            "SHA1+RMD160", 1),
        wip.algorithmSets);
    assertEquals(4_894, wip.subdirEntries);
    assertEquals(428, wip.filesUsingSubdir);
    assertEquals(25, wip.multiLevelSubdirEntries);
    assertEquals(2, wip.emptyFiles); // wip/mg-cvs, wip/realpath
    assertEquals(163 - 1 + 2, wip.filesWithoutDistfile);
    assertEquals(16_391_211_951L, wip.largestSize);
    assertEquals(Set.of("v2.1.0.tar.gz"), wip.conflictingNames); // wip/pheanstalk vs wip/boron
    // The spec counts wip/arphic-ukai-ttf's header (ends in CR) as odd; without the CR it is a
    // normal expanded header. "none" = the two headerless files plus the two empty ones.
    assertEquals(
        Map.of("expanded", 3_147 + 1, "unexpanded", 2_755, "odd", 7 - 1, "none", 2 + 2),
        wip.headers);
  }

  @Test
  void distinctNamesEqualTheSpecWhenPatchNamedDistfilesAreLeftOut() {
    // The spec's distinct-name counts leave out distfiles whose name starts with "patch-"
    // (2017Q4: patch-2.7.5.tar.xz, patch-smtpd-2.0-RBL.gz; wip: patch-2.7.6.tar.gz,
    // patch-ng-1.17.4.tar.gz, patch-1.16.zip), which are real distfiles with Size lines.
    TreeStats main = STATS.get("2017Q4");
    TreeStats wip = STATS.get("wip");
    assertEquals(16_698 + 2, main.distinctNames.size());
    assertEquals(38_450 + 3, wip.distinctNames.size());
    assertEquals(16_698, main.distinctNames.stream().filter(n -> !n.startsWith("patch-")).count());
    assertEquals(38_450, wip.distinctNames.stream().filter(n -> !n.startsWith("patch-")).count());
  }

  @Test
  void everyDistfileHasASizeAndOnlyKnownDigests() {
    for (TreeStats t : STATS.values()) {
      assertEquals(0, t.distfilesWithoutSize);
      assertEquals(0, t.otherDigestLines); // no IGNORE, no MD5/SHA384/... in any real tree
    }
  }

  @Test
  void theOnlyProblemsAreSizeLinesWithoutChecksum() {
    assertEquals(62, PROBLEMS.size());
    Set<String> files = new TreeSet<>();
    for (DistinfoProblem p : PROBLEMS) {
      assertTrue(p.source().startsWith("wip/"), p::toString);
      assertTrue(p.text().startsWith("Size ("), p::toString);
      assertTrue(p.message().contains("but no checksum line"), p::toString);
      files.add(p.source());
    }
    assertEquals(47, files.size());
    assertTrue(files.contains("wip/debian_x11/distinfo"));
  }
}
