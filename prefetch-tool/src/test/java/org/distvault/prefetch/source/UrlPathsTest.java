package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlPathsTest {

  @ParameterizedTest(name = "mirror {0}")
  @CsvSource(delimiter = '|', value = {
      "cmake-3.27.9.tar.gz | cmake-3.27.9.tar.gz",
      "mysql%2B%2B-3.3.0.tar.gz | mysql%252B%252B-3.3.0.tar.gz",
      "influxdb-2.6.0/bazil.org_fuse_@v_v0.0.0-2016.mod | influxdb-2.6.0/bazil.org_fuse_@v_v0.0.0-2016.mod",
      "suse100/i586/alsa-1.0.9.rpm | suse100/i586/alsa-1.0.9.rpm",
      "c++~1,2.tar.gz | c++~1,2.tar.gz",
      "voices=en.zip | voices=en.zip",
      "odd;name#1?.tgz | odd%3Bname%231%3F.tgz",
      "\u00fcn\u00ef.tar.gz | %C3%BCn%C3%AF.tar.gz",
      "a\"b<c>[d]{e}^g`h\\i.tgz | a%22b%3Cc%3E%5Bd%5D%7Be%7D%5Eg%60h%5Ci.tgz",
  })
  void mirrorPathEncodesWhatAServerWouldDecode(String name, String expected) {
    String encoded = UrlPaths.mirrorPath(name);
    assertEquals(expected, encoded);
    // The round trip: a server (or the file: fetcher) decodes the path back to the literal name.
    assertEquals("/" + name, URI.create("http://h/" + encoded).getPath());
  }

  @Test
  void mirrorPathEncodesAVerticalBar() {
    assertEquals("a%7Cb.tgz", UrlPaths.mirrorPath("a|b.tgz"));
  }

  @ParameterizedTest(name = "upstream {0}")
  @CsvSource(delimiter = '|', value = {
      "cmake-3.27.9.tar.gz | cmake-3.27.9.tar.gz",
      // pkgsrc sends the name raw; the upstream decodes %2B to '+': keep the escape.
      "mysql%2B%2B-3.3.0.tar.gz | mysql%2B%2B-3.3.0.tar.gz",
      "100%-done.tgz | 100%25-done.tgz",
      "x%4.tgz | x%254.tgz",
      "a;b.tgz | a;b.tgz",
      "odd#1?.tgz | odd%231%3F.tgz",
      "\u00fc.tgz | %C3%BC.tgz",
  })
  void upstreamNameKeepsWhatPkgsrcSendsAndEncodesOnlyTheIllegal(String name, String expected) {
    assertEquals(expected, UrlPaths.upstreamName(name));
  }
}
