package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MirrorSiteTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "http://cdn.example/pub/pkgsrc/distfiles | http://cdn.example/pub/pkgsrc/distfiles/",
      "http://cdn.example/pub/pkgsrc/distfiles/ | http://cdn.example/pub/pkgsrc/distfiles/",
      "https://cache:8080/distfiles | https://cache:8080/distfiles/",
      "ftp://ftp.example/pub/pkgsrc/distfiles | ftp://ftp.example/pub/pkgsrc/distfiles/",
      "file:///srv/distfiles | file:///srv/distfiles/",
      "  http://padded.example/d/  | http://padded.example/d/",
  })
  void parseAddsTheSlashPkgsrcNeeds(String site, String base) {
    assertEquals(base, MirrorSite.parse(site).base());
  }

  @Test
  void parseTakesAnAbsolutePathAsADistdir() {
    assertEquals("file:///srv/distfiles/x", MirrorSite.parse("/srv/distfiles").url("x"));
    assertEquals(Path.of("/srv/d").toUri() + "/", MirrorSite.parse("/srv/d").base());
  }

  @Test
  void urlAppendsTheEncodedRelativeName() {
    MirrorSite s = MirrorSite.parse("http://m.example/distfiles");
    assertEquals("http://m.example/distfiles/sub/dir/mysql%252B%252B-3.3.0.tar.gz",
        s.url("sub/dir/mysql%2B%2B-3.3.0.tar.gz"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "mirror.example/distfiles | not absolute",
      "gopher://old.example/d | unsupported scheme",
      "http:///d | no host",
      "http://m.example/d?x=1 | query",
      "http://m.example/d#top | query or a fragment",
      "file://host/srv/d | must not name a host",
      "http://m.example/a b | whitespace",
  })
  void parseRejectsWhatCannotBeAMirror(String site, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MirrorSite.parse(site));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().startsWith("mirror site '"), e.getMessage());
  }
}
