package org.distvault.prefetch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scan of plain URLs against {@link java.net.URI}'s parse: the same verdict for each. */
class UpstreamUrlsTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1:8080/distfiles/dist-000001-1.1.tar.gz",
      "https://cdn.NetBSD.org/pub/pkgsrc/distfiles/cmake-3.27.9.tar.gz",
      "ftp://ftp.gnu.org/gnu/bash/bash-5.2.tar.gz",
      "https://github.com/owner/repo/archive/v1.0.tar.gz",
      "https://example.org/mysql%2B%2B-3.3.0.tar.gz",
      "https://example.org/a/b;type=i/c:d@e/f(1)~'!*$&+,=.tgz",
      "http://localhost/x",
      "http://a1.b-c.d2e.example/x",
      "http://0.0.0.0/x",
      "http://255.255.255.255:65535/x"})
  void plainUrlsAreAcceptedByTheScanAsTheyAreByUri(String url) {
    assertTrue(UpstreamUrls.plainServerUrl(url), url);
    assertNull(UpstreamUrls.parsedProblem(url), url);
    assertNull(UpstreamUrls.problem(url), url);
  }

  /** URLs the scan leaves to {@link java.net.URI}: good or bad, the verdict is the parse's. */
  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP://example.org/x", "http://example.org", "http://example.org/", "http://example.org:/x",
      "http://example.org:123456/x", "http://user@example.org/x", "http://under_score.org/x",
      "http://1.2.3/x", "http://1.2.3.4.5/x", "http://256.1.1.1/x", "http://01.2.3.4/x", "http://1.2.3.4x/x",
      "http://1.2.3.4.example.org/x", "http://a.1/x", "http://a-.org/x", "http://-a.org/x", "http://a..org/x",
      "http://example.org./x", "http://[::1]:80/x", "http://example.org/x?y=1", "http://example.org/x#frag",
      "http://example.org/%zz", "http://example.org/%4", "http://example.org/caf\u00e9.tgz",
      "http://example.org/a|b", "http://example.org/a\\b", "http:///x", "http:x", "gopher://h/x",
      "file:///usr/pkgsrc/distfiles/", "file:relative", "cmake.tar.gz", "9http://x/y", "http://ex%41mple.org/x",
      "https://example.org/a[1].tgz", "ftp://:21/x", "http://h/x"})
  void otherUrlsGetUrisVerdict(String url) {
    assertFalse(url.equals("http://h/x") && !UpstreamUrls.plainServerUrl(url), "a one-letter host is plain");
    assertEquals(UpstreamUrls.parsedProblem(url), UpstreamUrls.problem(url), url);
    if (UpstreamUrls.plainServerUrl(url)) {
      assertNull(UpstreamUrls.parsedProblem(url), () -> "the scan accepted what URI refuses: " + url);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://1.2.3/x", "http://under_score.org/x", "http://example.org/", "http://a.1/x"})
  void refusedByUriWithItsMessage(String url) {
    assertFalse(UpstreamUrls.plainServerUrl(url));
    String problem = UpstreamUrls.problem(url);
    assertTrue(List.of("no host", "no file path").contains(problem), url + ": " + problem);
  }
}
