package org.distvault.storage.distfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExpectedDistfileTest {
  @ParameterizedTest
  @ValueSource(strings = {"devel/cmake", "a/b", "wip/mysql++", "x/.hidden", "x/..a", "...x/y", "cat/a.b"})
  void goodPkgpathsComeBackUnchanged(String pkgpath) {
    assertEquals(pkgpath, ExpectedDistfile.checkPkgpath(pkgpath));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "devel|PKGPATH 'devel' must be category/package (two segments)",
      "devel/cmake/extra|PKGPATH 'devel/cmake/extra' must be category/package (two segments)",
      "lang/../etc|PKGPATH 'lang/../etc' must be category/package (two segments)",
      "/cmake|PKGPATH '/cmake' has an invalid segment",
      "devel/|PKGPATH 'devel/' has an invalid segment",
      "./cmake|PKGPATH './cmake' has an invalid segment",
      "devel/..|PKGPATH 'devel/..' has an invalid segment",
      "../x|PKGPATH '../x' has an invalid segment",
      "a b/c|PKGPATH 'a b/c' contains a forbidden character at position 1",
      "a/b\\c|PKGPATH 'a/b\\c' contains a forbidden character at position 3"})
  void badPkgpathsAreNamedWithTheirFault(String pkgpath, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExpectedDistfile.checkPkgpath(pkgpath));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "http://h/a b", "http://h/a\tb", "http://h/\u007f"})
  void urlsWithWhitespaceOrControlsAreRefused(String url) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExpectedDistfile.checkedUrls(List.of(url)));
    assertEquals("URL '" + url + "' is empty or contains whitespace", e.getMessage());
  }
}
