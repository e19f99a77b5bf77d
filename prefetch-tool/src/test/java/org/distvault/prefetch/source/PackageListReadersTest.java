package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageListReadersTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static List<String> problems(PackageList l) {
    return l.problems().stream().map(SourceProblem::toString).toList();
  }

  @Test
  void pkgpathListSkipsCommentsAndBlanksAndReportsBadLinesByNumber() throws IOException {
    Path f = write("pkgpaths", String.join("\n",
        "# packages for the weekly bulk build",
        "devel/cmake",
        "",
        "  wip/mysql++   # trailing comment",
        "www/firefox/",
        "devel",
        "devel/cmake/extra",
        "devel/cmake",
        "lang/../etc",
        "net/curl\r",
        "a b/c"));

    PackageList l = PkgpathListReader.read(f);

    assertEquals(List.of(PackageRef.of("devel/cmake"), PackageRef.of("wip/mysql++"), PackageRef.of("www/firefox"),
        PackageRef.of("net/curl")), l.packages());
    assertEquals(List.of(
            f + ":6: PKGPATH 'devel' must be category/package (two segments)",
            f + ":7: PKGPATH 'devel/cmake/extra' must be category/package (two segments)",
            f + ":9: PKGPATH 'lang/../etc' must be category/package (two segments)",
            f + ":11: PKGPATH 'a b/c' contains a forbidden character at position 1"),
        problems(l));
    assertEquals(ProblemKind.LIST_SYNTAX, l.problems().get(0).kind());
  }

  @Test
  void presolveGivesEachLocationOncePerMultiVersion() throws IOException {
    Path f = write("presolve", """
        PKGNAME=cmake-3.27.9
        PKG_LOCATION=devel/cmake
        ALL_DEPENDS=
        PKG_SKIP_REASON=
        PKG_FAIL_REASON=
        DEPENDS=
        PKGNAME=py311-thing-1.0
        PKG_LOCATION=lang/py-thing
        MULTI_VERSION= PYTHON_VERSION_REQD=311
        DEPENDS=python311-3.11.9
        PKGNAME=py312-thing-1.0
        PKG_LOCATION=lang/py-thing
        MULTI_VERSION= PYTHON_VERSION_REQD=312
        PKGNAME=ap24-py312-mod-1.0
        PKG_LOCATION=www/ap-mod
        SCAN_DEPENDS=/usr/pkgsrc/mk/bsd.pkg.mk /usr/pkgsrc/www/ap-mod/Makefile
        MULTI_VERSION= PKG_APACHE=apache24 PYTHON_VERSION_REQD=312
        PKGNAME=cmake-3.27.9
        PKG_LOCATION=devel/cmake
        """);

    PackageList l = PresolveReader.read(f);

    Map<String, String> apache = new LinkedHashMap<>();
    apache.put("PKG_APACHE", "apache24");
    apache.put("PYTHON_VERSION_REQD", "312");
    assertEquals(List.of(
            PackageRef.of("devel/cmake"),
            new PackageRef("lang/py-thing", Map.of("PYTHON_VERSION_REQD", "311")),
            new PackageRef("lang/py-thing", Map.of("PYTHON_VERSION_REQD", "312")),
            new PackageRef("www/ap-mod", apache)),
        l.packages());
    assertEquals(List.of("PKG_APACHE=apache24", "PYTHON_VERSION_REQD=312"), l.packages().get(3).makeAssignments());
    assertEquals("www/ap-mod (PKG_APACHE=apache24 PYTHON_VERSION_REQD=312)", l.packages().get(3).toString());
    assertEquals(List.of(), l.problems());
  }

  @Test
  void presolveReportsMalformedRecordsAndKeepsTheRest() throws IOException {
    Path f = write("presolve", String.join("\n",
        "PKG_LOCATION=devel/orphan",
        "PKGNAME=nolocation-1.0",
        "DEPENDS=",
        "PKGNAME=badlocation-1.0",
        "PKG_LOCATION=devel",
        "PKGNAME=badmulti-1.0",
        "PKG_LOCATION=lang/badmulti",
        "MULTI_VERSION= 311",
        "PKGNAME=twice-1.0",
        "PKG_LOCATION=devel/one",
        "PKG_LOCATION=devel/two",
        "this line has no equals sign",
        "PKGNAME=good-1.0",
        "PKG_LOCATION=devel/good",
        ""));

    PackageList l = PresolveReader.read(f);

    assertEquals(List.of(PackageRef.of("devel/good")), l.packages());
    assertEquals(List.of(
            f + ":1: PKG_LOCATION= before the first PKGNAME= line",
            f + ":2: the record of nolocation-1.0 has no PKG_LOCATION",
            f + ":5: PKGPATH 'devel' must be category/package (two segments)",
            f + ":8: MULTI_VERSION word '311' is not VARIABLE=value",
            f + ":11: second PKG_LOCATION in the record of twice-1.0",
            f + ":12: not a KEY=value line: 'this line has no equals sign'"),
        problems(l));
  }

  @Test
  void missingFilesAreErrors() {
    assertThrows(NoSuchFileException.class, () -> PkgpathListReader.read(dir.resolve("none")));
    assertThrows(NoSuchFileException.class, () -> PresolveReader.read(dir.resolve("none")));
  }
}
