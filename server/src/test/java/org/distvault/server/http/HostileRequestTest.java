package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.distvault.server.bench.DirectoryBlobSource;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile request lines, sent raw over a socket: each gets 400 and the BlobSource is never asked.
 *
 * <p>Our handler answers with a one-line reason. A few are refused earlier by Undertow's own
 * request-line parser, which answers 400 with an empty body; the table says which.
 */
class HostileRequestTest {
  /** Undertow's parser refuses the request line before any handler runs; its 400 has no body. */
  private static final String PARSER = "";

  @TempDir static Path dir;
  static RecordingBlobSource source;
  static HttpServing serving;

  @BeforeAll
  static void start() throws IOException {
    TestCorpus.create(dir);
    source = new RecordingBlobSource(DirectoryBlobSource.scan(dir, EnumSet.noneOf(DigestAlgorithm.class)));
    serving = HttpServing.serve(source, ServingConfig.loopback(0));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  @BeforeEach
  void forgetCalls() {
    source.clear();
  }

  private static int port() {
    return serving.address().getPort();
  }

  static Stream<Arguments> hostileTargets() {
    String bad = "bad request path: ";
    return Stream.of(
        Arguments.of("/distfiles/../etc/passwd", bad + "'..' path segment"),
        Arguments.of("/distfiles/sub/../../x", bad + "'..' path segment"),
        Arguments.of("/pkg/../../distfiles/x", bad + "'..' path segment"),
        Arguments.of("/distfiles/./x", bad + "'.' path segment"),
        Arguments.of("/distfiles/%2e%2e/x", bad + "'..' path segment"),
        Arguments.of("/distfiles/%2E%2e/x", bad + "'..' path segment"),
        Arguments.of("/distfiles/.%2e/etc/passwd", bad + "'..' path segment"),
        Arguments.of("/distfiles/%2e/x", bad + "'.' path segment"),
        Arguments.of("/distfiles/a%2fb", bad + "percent-encoded '/' inside a path segment"),
        Arguments.of("/distfiles/..%2Fetc%2Fpasswd", bad + "percent-encoded '/' inside a path segment"),
        Arguments.of("/distfiles/a%5cb", bad + "percent-encoded backslash in request path"),
        Arguments.of("/distfiles/..%5C..%5Cwin.ini", bad + "percent-encoded backslash in request path"),
        Arguments.of("/distfiles//etc/passwd", bad + "empty path segment ('//' or a trailing '/')"),
        Arguments.of("/distfiles/sub//x", bad + "empty path segment ('//' or a trailing '/')"),
        Arguments.of("/distfiles/sub/", bad + "empty path segment ('//' or a trailing '/')"),
        Arguments.of("/distfiles/", bad + "empty path segment ('//' or a trailing '/')"),
        Arguments.of("//distfiles/x", bad + "empty path segment ('//' or a trailing '/')"),
        Arguments.of("/distfiles/a%00b", bad + "percent-encoded NUL in request path"),
        Arguments.of("/distfiles/a%0d%0aSet-Cookie:x", bad + "percent-encoded control character U+000D in request path"),
        Arguments.of("/distfiles/a%7f", bad + "percent-encoded control character U+007F in request path"),
        Arguments.of("/distfiles/a%ff", bad + "percent-decoded path is not valid UTF-8"),
        Arguments.of("/distfiles/%c0%ae%c0%ae/x", bad + "percent-decoded path is not valid UTF-8"),
        Arguments.of("/distfiles/%ed%a0%80", bad + "percent-decoded path is not valid UTF-8"),
        Arguments.of("/distfiles/" + "a".repeat(4100), bad + "request path longer than 4096 bytes"),
        Arguments.of("/distfiles/" + "a".repeat(1025), bad + "invalid distfile name: longer than 1024 bytes"),
        Arguments.of("/distfiles/" + "%41".repeat(400), bad + "invalid distfile name: longer than 1024 bytes"),
        Arguments.of("/run/bad!id/distfiles/x", bad + "run id must be 1-64 of A-Z a-z 0-9 . _ -"),
        Arguments.of("/run/" + "r".repeat(65) + "/distfiles/x", bad + "run id must be 1-64 of A-Z a-z 0-9 . _ -"),
        Arguments.of("/run/..", bad + "'..' path segment"),
        Arguments.of("/run/r1/other/x", bad + "expected /run/<id>/distfiles/... or /run/<id>/pkg/..."),
        Arguments.of("/pkg/devel/cmake", bad + "missing distfile name"),
        Arguments.of("/pkg/devel", bad + "expected /pkg/<category>/<package>/<name> with a valid PKGPATH"),
        Arguments.of("/pkg/de%24vel/cmake/x.tgz", bad + "expected /pkg/<category>/<package>/<name> with a valid PKGPATH"),
        Arguments.of("/by-hash/md5/" + "0".repeat(32), bad + "unknown digest algorithm; use one of [sha512, sha256, blake2s, sha1, rmd160]"),
        Arguments.of("/by-hash/sha256/" + "0".repeat(63), bad + "SHA256 digest must be 64 hex digits, got 63"),
        Arguments.of("/by-hash/sha1/" + "g".repeat(40), bad + "SHA1 digest has a non-hex character at position 0"),
        Arguments.of("/by-hash/sha1/" + "0".repeat(40) + "/x", bad + "expected /by-hash/<algorithm>/<hex>"),
        Arguments.of("http://127.0.0.1/distfiles/" + TestCorpus.PLAIN, "absolute-form request target not accepted: send only the path"),
        // Refused by Undertow's request-line parser:
        Arguments.of("/distfiles/a\\b", PARSER),
        Arguments.of("/distfiles/..\\..\\x", PARSER),
        Arguments.of("/distfiles/a%zz", PARSER),
        Arguments.of("/distfiles/a%2", PARSER),
        Arguments.of("/distfiles/a%", PARSER),
        Arguments.of("/distfiles/a\u0001b", PARSER),
        Arguments.of("/distfiles/a\u0000b", PARSER),
        Arguments.of("/distfiles/caf\u00c3\u00a9.tgz", PARSER),
        Arguments.of("/distfiles/a#b", PARSER),
        Arguments.of("*", PARSER));
  }

  @ParameterizedTest
  @MethodSource("hostileTargets")
  void hostileTargetGets400AndNoLookup(String target, String reason) throws IOException {
    RawHttp.Reply reply = RawHttp.send(port(), "GET", target);
    assertEquals(400, reply.status(), reply.head());
    assertEquals(reason.isEmpty() ? "" : reason + "\n", reply.bodyText());
    assertEquals(List.of(), source.calls());
  }

  @Test
  void connectGets400WhateverItsTarget() throws IOException {
    for (String target : List.of("127.0.0.1:" + port(), "/distfiles/" + TestCorpus.PLAIN)) {
      RawHttp.Reply reply = RawHttp.send(port(), "CONNECT", target);
      assertEquals(400, reply.status(), target);
    }
    assertEquals("CONNECT is not supported: this is not a proxy\n",
        RawHttp.send(port(), "CONNECT", "/distfiles/" + TestCorpus.PLAIN).bodyText());
    assertEquals(List.of(), source.calls());
  }

  @Test
  void optionsAsteriskGets400() throws IOException {
    RawHttp.Reply reply = RawHttp.send(port(), "OPTIONS", "*");
    assertEquals(400, reply.status());
    assertEquals("bad request path: request target must be a path starting with '/'\n", reply.bodyText());
  }

  @Test
  void otherMethodsGet405WithAllowAndNoLookup() throws IOException {
    for (String method : List.of("POST", "PUT", "DELETE", "TRACE", "PROPFIND")) {
      RawHttp.Reply reply = RawHttp.send(port(), method, "/pkg/devel/cmake/" + TestCorpus.PLAIN);
      assertEquals(405, reply.status(), method);
      assertTrue(reply.head().contains("\r\nAllow: GET, HEAD"), reply.head());
    }
    assertEquals(List.of(), source.calls());
  }

  @Test
  void theSameSocketClientGetsAGoodTargetServed() throws IOException {
    // Shows that the raw-socket path itself works: a clean target is served with 200.
    RawHttp.Reply reply = RawHttp.send(port(), "GET", "/distfiles/" + TestCorpus.MYSQL);
    assertEquals(200, reply.status());
    assertEquals(5_000, reply.body().length);
    assertEquals(List.of("name " + TestCorpus.MYSQL), source.calls());
  }
}
