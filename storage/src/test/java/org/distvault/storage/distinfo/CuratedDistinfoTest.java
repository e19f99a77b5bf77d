package org.distvault.storage.distinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.distvault.storage.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses the 400 curated real distinfo files and checks every one against {@code MANIFEST.tsv}
 * (columns: path, source, n_distfiles, n_patches, max_distfile_size, tags, why_selected) and
 * against an independent count.
 */
class CuratedDistinfoTest {
  private static final Path DIR = TestData.curatedDistinfo();

  /** One MANIFEST.tsv row and what the parser made of its file. */
  private record Row(
      String path,
      int distfiles,
      int patches,
      long maxSize,
      Set<String> tags,
      byte[] content,
      Distinfo parsed) {}

  private static List<Row> rows;

  @BeforeAll
  static void parseAll() throws IOException {
    List<String> lines = Files.readAllLines(DIR.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
    assertEquals(
        "path\tsource\tn_distfiles\tn_patches\tmax_distfile_size\ttags\twhy_selected",
        lines.get(0),
        "MANIFEST.tsv columns changed");
    rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      Path file = DIR.resolve(f[0]);
      byte[] content = Files.readAllBytes(file);
      rows.add(
          new Row(
              f[0],
              Integer.parseInt(f[2]),
              Integer.parseInt(f[3]),
              Long.parseLong(f[4]),
              Set.of(f[5].split(",")),
              content,
              DistinfoParser.parse(f[0], content)));
    }
    assertEquals(400, rows.size());
  }

  @Test
  void countsEqualTheManifestExceptTheCommentedOutPatch() {
    Map<String, String> differences = new TreeMap<>();
    for (Row r : rows) {
      String manifest = r.distfiles() + "/" + r.patches();
      String parsed = r.parsed().distfiles().size() + "/" + r.parsed().patches().size();
      if (!manifest.equals(parsed)) {
        differences.put(r.path(), "manifest " + manifest + ", parser " + parsed);
      }
    }
    // The manifest counts joyent/ree's "#SHA1 (patch-aa) = ..." line as a patch; it is a
    // comment (checksum.awk skips lines starting with '#'), and testdata/README.md's joyent
    // total of 1,355 patch entries leaves it out too.
    assertEquals(Map.of("joyent/ree/distinfo", "manifest 1/1, parser 1/0"), differences);
  }

  @Test
  void countsEqualTheIndependentCount() {
    for (Row r : rows) {
      LooseDistinfoCount loose = LooseDistinfoCount.of(r.content());
      assertEquals(loose.distfiles(), r.parsed().distfiles().size(), r.path() + " distfiles");
      assertEquals(loose.patches(), r.parsed().patches().size(), r.path() + " patches");
      assertEquals(loose.sizeOnly(), r.parsed().problems().size(), r.path() + " problems");
    }
  }

  @Test
  void onlySizeLinesWithoutHashAreProblems() {
    int problems = 0;
    for (Row r : rows) {
      assertEquals(
          r.tags().contains("size-without-hash"), r.parsed().hasProblems(), r.path() + " problems");
      for (DistinfoProblem p : r.parsed().problems()) {
        assertEquals(r.path(), p.source());
        assertTrue(p.text().startsWith("Size ("), p::toString);
        assertTrue(p.message().contains("but no checksum line"), p::toString);
        problems++;
      }
    }
    assertEquals(21, problems);
  }

  @Test
  void largestSizeEqualsTheManifestWhereItReadTheSizeLines() {
    for (Row r : rows) {
      long max =
          r.parsed().distfiles().stream().mapToLong(e -> e.size().orElse(0)).max().orElse(0);
      if (r.path().equals("emulators/compat50-x11/distinfo")) {
        // "Size (...) =  1942481 bytes": the manifest's tool missed the double-space lines
        // (and tagged the file distfile-no-size); pkgsrc's fetch reads them, and so do we.
        assertEquals(0, r.maxSize());
        assertEquals(2_213_331, max);
      } else if (r.tags().contains("size-without-hash")) {
        // The manifest also counted Size lines that have no checksum; those are not entries.
        assertTrue(max <= r.maxSize(), r.path());
      } else {
        assertEquals(r.maxSize(), max, r.path());
      }
    }
  }

  @Test
  void headersMatchTheTags() {
    for (Row r : rows) {
      String header = r.parsed().header().orElse(null);
      String kind;
      if (header == null) {
        kind = r.content().length == 0 ? "empty-file" : "no-header";
      } else if (header.equals("$NetBSD$")) {
        kind = "hdr-unexpanded";
      } else if (header.matches(
          "\\$NetBSD: distinfo,v [0-9.]+ \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\S+ Exp \\$")) {
        kind = "hdr-expanded";
      } else {
        kind = "hdr-odd";
      }
      assertTrue(r.tags().contains(kind), r.path() + " header " + header + " tags " + r.tags());
    }
  }
}
