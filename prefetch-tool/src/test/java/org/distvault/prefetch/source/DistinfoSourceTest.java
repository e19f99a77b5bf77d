package org.distvault.prefetch.source;

import static org.distvault.prefetch.source.Distfiles.entry;
import static org.distvault.prefetch.source.Distfiles.writeDistinfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distinfo.DistfileEntry;
import org.distvault.storage.distinfo.Distinfo;
import org.distvault.storage.distinfo.DistinfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistinfoSourceTest {
  private static final List<MirrorSite> SITES = List.of(
      MirrorSite.parse("http://cdn.example/pub/pkgsrc/distfiles"), MirrorSite.parse("file:///srv/distfiles/"));

  @TempDir Path tree;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> urls(String name) {
    return SITES.stream().map(s -> s.url(name)).toList();
  }

  @Test
  void treeGivesPkgpathsMergesSameContentKeepsDifferentContentApartAndSkipsPatches() throws IOException {
    byte[] x = bytes("x");
    byte[] y = bytes("y in a subdir");
    byte[] other = bytes("another v2.1.0");
    writeDistinfo(tree.resolve("devel/a/distinfo"), Map.of("x-1.0.tgz", x, "v2.1.0.tar.gz", x), "patch-aa");
    writeDistinfo(tree.resolve("devel/b/distinfo"), Map.of("x-1.0.tgz", x, "sub/dir/y.tgz", y));
    writeDistinfo(tree.resolve("wip/c/distinfo"), Map.of("v2.1.0.tar.gz", other));
    // Hidden directories are not entered; files deeper than cat/pkg/distinfo are not read.
    writeDistinfo(tree.resolve(".git/d/distinfo"), Map.of("hidden.tgz", x));
    writeDistinfo(tree.resolve("devel/a/work/distinfo"), Map.of("deep.tgz", x));

    SourceResult r = DistinfoSource.read(List.of(tree, tree.resolve("devel/b")), SITES);

    assertEquals(List.of(), r.problems());
    assertEquals(List.of(
            entry("v2.1.0.tar.gz", x, Set.of("devel/a"), urls("v2.1.0.tar.gz")),
            entry("v2.1.0.tar.gz", other, Set.of("wip/c"), urls("v2.1.0.tar.gz")),
            entry("x-1.0.tgz", x, Set.of("devel/a", "devel/b"), urls("x-1.0.tgz")),
            entry("sub/dir/y.tgz", y, Set.of("devel/b"), urls("sub/dir/y.tgz"))),
        r.entries());
    assertEquals(List.of("http://cdn.example/pub/pkgsrc/distfiles/sub/dir/y.tgz", "file:///srv/distfiles/sub/dir/y.tgz"),
        r.entries().get(3).urls());
  }

  @Test
  void malformedLinesAreReportedByFileAndLineAndTheRestIsRead() throws IOException {
    Path file = writeDistinfo(tree.resolve("devel/a/distinfo"), Map.of("good.tgz", bytes("good")));
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.add(3, "SHA512 (broken.tgz) = not-hex");
    lines.add("MD5 (md5only.tgz) = " + "0".repeat(32));
    Files.write(file, lines);

    SourceResult r = DistinfoSource.read(List.of(file), List.of());

    assertEquals(List.of(entry("good.tgz", bytes("good"), Set.of("devel/a"), List.of())), r.entries());
    assertEquals(List.of(ProblemKind.DISTINFO_SYNTAX, ProblemKind.DISTINFO_SYNTAX),
        r.problems().stream().map(SourceProblem::kind).toList());
    assertEquals(List.of(file + ":4", file + ":" + lines.size()),
        r.problems().stream().map(SourceProblem::where).toList());
    assertEquals(Optional.of("devel/a"), r.problems().get(0).pkgpath());
    assertTrue(r.problems().get(1).message().contains("no digest distvault can verify for 'md5only.tgz'"),
        r.problems().get(1).message());
    assertEquals(Set.of("devel/a"), r.failedPkgpaths());
  }

  @Test
  void aMissingInputIsAnErrorNamingIt() {
    Path missing = tree.resolve("no/such/distinfo");
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> DistinfoSource.read(List.of(missing), SITES));
    assertEquals(missing.toString(), e.getFile());
  }

  @Test
  void pkgpathIsTheTwoDirectoriesAboveTheFileWhenTheyMakeOne() {
    assertEquals(Optional.of("devel/cmake"), DistinfoSource.pkgpathOf(Path.of("/usr/pkgsrc/devel/cmake/distinfo")));
    assertEquals(Optional.of("wip/mysql++"), DistinfoSource.pkgpathOf(Path.of("/x/wip/mysql++/distinfo")));
    assertEquals(Optional.empty(), DistinfoSource.pkgpathOf(Path.of("/distinfo")));
    assertEquals(Optional.empty(), DistinfoSource.pkgpathOf(Path.of("/cmake/distinfo")));
    assertEquals(Optional.empty(), DistinfoSource.pkgpathOf(Path.of("/my pkgs/cmake/distinfo")));
  }

  /** The 400 curated real files: nothing is lost or invented on the way to entries. */
  @Test
  void curatedRealFilesGiveOneEntryPerContentWithTheParsersCounts() throws IOException {
    Path curated = SharedTestData.curatedDistinfo();
    List<MirrorSite> sites = List.of(MirrorSite.parse("http://cdn.example/pub/pkgsrc/distfiles"));

    SourceResult r = DistinfoSource.read(List.of(curated), sites);

    List<Path> files;
    try (Stream<Path> s = Files.walk(curated)) {
      files = s.filter(p -> p.getFileName().toString().equals("distinfo")).sorted().toList();
    }
    assertEquals(400, files.size());
    int verifiable = 0;
    int parserProblems = 0;
    Set<String> names = new HashSet<>();
    Map<String, Set<String>> pkgpathsByName = new HashMap<>();
    for (Path f : files) {
      Distinfo d = DistinfoParser.parse(f);
      parserProblems += d.problems().size();
      String pkgpath = curated.relativize(f.getParent()).toString();
      for (DistfileEntry e : d.distfiles()) {
        if (e.verifiable()) {
          verifiable++;
          names.add(e.name().value());
          pkgpathsByName.computeIfAbsent(e.name().value(), n -> new HashSet<>()).add(pkgpath);
        }
      }
    }
    // Every (file, distfile) pair is one PKGPATH of exactly one entry.
    assertEquals(verifiable, r.entries().stream().mapToInt(e -> e.pkgpaths().size()).sum());
    assertEquals(parserProblems, r.problems().size());
    assertTrue(r.problems().stream().allMatch(p -> p.kind() == ProblemKind.DISTINFO_SYNTAX));
    // One entry per name, except the one name two packages expect with different content.
    Map<String, List<ExpectedDistfile>> byName = new HashMap<>();
    r.entries().forEach(e -> byName.computeIfAbsent(e.name().value(), n -> new ArrayList<>()).add(e));
    assertEquals(names, byName.keySet());
    List<String> split = byName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    assertEquals(List.of("v2.1.0.tar.gz"), split);
    assertEquals(names.size() + 1, r.entries().size());
    List<ExpectedDistfile> v210 = byName.get("v2.1.0.tar.gz");
    assertEquals(List.of(Set.of("wip/boron"), Set.of("wip/pheanstalk")), v210.stream().map(ExpectedDistfile::pkgpaths).toList());
    assertTrue(!v210.get(0).digests().equals(v210.get(1).digests()));
    for (ExpectedDistfile e : r.entries()) {
      assertEquals(List.of(sites.get(0).url(e.name().value())), e.urls());
    }
    // Merged entries carry every package that lists the name.
    for (ExpectedDistfile e : r.entries()) {
      if (!e.name().value().equals("v2.1.0.tar.gz")) {
        assertEquals(pkgpathsByName.get(e.name().value()), e.pkgpaths(), e.name().value());
      }
    }
    ExpectedDistfile mysql = byName.get("mysql%2B%2B-3.3.0.tar.gz").get(0);
    assertEquals(List.of("http://cdn.example/pub/pkgsrc/distfiles/mysql%252B%252B-3.3.0.tar.gz"), mysql.urls());
    assertEquals(Set.of("wip/mysql++"), mysql.pkgpaths());
  }
}
