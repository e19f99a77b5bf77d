package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PackageVarsTest {

  private static String output(String sites) {
    return String.join("\n",
        "foo-1.0",
        "/usr/pkgsrc/devel/foo/distinfo",
        " sub/a.tgz sub/b=2.zip sub/c.tgz",
        "sub/a.tgz sub/b=2.zip sub/c.tgz",
        "http://backup.example/d/sub/",
        "",
        "",
        "",
        sites) + "\n";
  }

  @Test
  void parsePairsEachFileWithItsSitesInOrder() throws Exception {
    PackageVars v = PackageVars.parse(output("sub/a.tgz http://a/,ftp://b/ sub/b=2.zip -https://gh/x.zip sub/c.tgz "));
    Map<String, List<String>> sites = new LinkedHashMap<>();
    sites.put("sub/a.tgz", List.of("http://a/", "ftp://b/"));
    sites.put("sub/b=2.zip", List.of("-https://gh/x.zip"));
    sites.put("sub/c.tgz", List.of());
    assertEquals(new PackageVars("foo-1.0", "/usr/pkgsrc/devel/foo/distinfo",
        List.of("sub/a.tgz", "sub/b=2.zip", "sub/c.tgz"), List.of("http://backup.example/d/sub/"), false, "", "",
        sites), v);
  }

  @Test
  void aLostTrailingSpaceAfterAnEmptyLastSiteListMeansTheSame() throws Exception {
    PackageVars v = PackageVars.parse(output("sub/a.tgz http://a/ sub/b=2.zip  sub/c.tgz"));
    assertEquals(List.of(List.of("http://a/"), List.of(), List.of()), List.copyOf(v.sitesByFile().values()));
  }

  @Test
  void unexpectedOutputIsAFormatError() {
    PackageVars.FormatException lines = assertThrows(PackageVars.FormatException.class,
        () -> PackageVars.parse("just one line\n"));
    assertEquals("show-vars printed 1 lines, expected 9 (PKGNAME DISTINFO_FILE _CKSUMFILES _ALLFILES "
        + "_MASTER_SITE_BACKUP NO_CHECKSUM PKG_FAIL_REASON PKG_SKIP_REASON _DISTVAULT_SITES)", lines.getMessage());
    PackageVars.FormatException order = assertThrows(PackageVars.FormatException.class,
        () -> PackageVars.parse(output("sub/b=2.zip x sub/a.tgz y sub/c.tgz z")));
    assertEquals("the sites list names 'sub/b=2.zip' where _ALLFILES has 'sub/a.tgz'", order.getMessage());
    PackageVars.FormatException count = assertThrows(PackageVars.FormatException.class,
        () -> PackageVars.parse(output("sub/a.tgz x")));
    assertEquals("the sites of 3 files came as 2 fields, expected 6", count.getMessage());
  }

  @Test
  void excerptKeepsTheHeadAndTailOfLongOutput() {
    StringBuilder err = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      err.append("line ").append(i).append(i == 3 ? "x".repeat(400) : "").append('\n');
    }
    String e = new MakeResult(OptionalInt.of(2), "", err.toString()).excerpt();
    List<String> lines = e.lines().toList();
    assertEquals(MakeResult.HEAD_LINES + 1 + MakeResult.TAIL_LINES, lines.size());
    assertEquals("line 1", lines.get(0));
    assertEquals("line 3" + "x".repeat(MakeResult.MAX_LINE - 6) + "...", lines.get(2));
    assertEquals("[... 70 lines left out ...]", lines.get(MakeResult.HEAD_LINES));
    assertEquals("line 100", lines.get(lines.size() - 1));
    assertEquals("(no output)", new MakeResult(OptionalInt.of(1), "", " \n").excerpt());
    assertTrue(new MakeResult(OptionalInt.of(1), "out", "err").excerpt().equals("err\nout"));
  }
}
