package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetParserTest {
  private final RequestTargetParser parser = new RequestTargetParser();

  private DistfileRequest distfile(String path) throws BadRequestTargetException {
    return (DistfileRequest) parser.parse(path).orElseThrow();
  }

  private static String reason(String path) {
    return assertThrows(BadRequestTargetException.class, () -> new RequestTargetParser().parse(path)).getMessage();
  }

  @Test
  void distfilesRouteKeepsTheRawName() throws Exception {
    DistfileRequest r = distfile("/distfiles/mysql%2B%2B-3.3.0.tar.gz");
    assertEquals(DistfileName.of("mysql%2B%2B-3.3.0.tar.gz"), r.rawName());
    assertEquals(Optional.of(DistfileName.of("mysql++-3.3.0.tar.gz")), r.decodedName());
    assertEquals(List.of(DistfileName.of("mysql%2B%2B-3.3.0.tar.gz"), DistfileName.of("mysql++-3.3.0.tar.gz")), r.candidates());
    assertEquals(Optional.empty(), r.pkgPath());
    assertEquals(Optional.empty(), r.runId());
  }

  @Test
  void nameWithoutEscapesHasOneCandidate() throws Exception {
    DistfileRequest r = distfile("/distfiles/firefox-l10n-57.0.2/ach.xpi");
    assertEquals(List.of(DistfileName.of("firefox-l10n-57.0.2/ach.xpi")), r.candidates());
    assertEquals(Optional.empty(), r.decodedName());
  }

  @Test
  void pkgRouteTakesTheFirstTwoSegmentsAsPkgPath() throws Exception {
    DistfileRequest r = distfile("/pkg/wip/libsigc++/a/b/c/x-1.0.tar.gz");
    assertEquals(Optional.of(new PkgPath("wip", "libsigc++")), r.pkgPath());
    assertEquals(DistfileName.of("a/b/c/x-1.0.tar.gz"), r.rawName());
  }

  @Test
  void pkgPathIsDecoded() throws Exception {
    assertEquals(Optional.of(new PkgPath("devel", "libsigc++")), distfile("/pkg/devel/libsigc%2B%2B/x.tgz").pkgPath());
  }

  @Test
  void runRoutesCarryTheRunId() throws Exception {
    DistfileRequest plain = distfile("/run/2026-11-23_bulk.1/distfiles/sub/x.tgz");
    assertEquals(Optional.of("2026-11-23_bulk.1"), plain.runId());
    assertEquals(Optional.empty(), plain.pkgPath());
    assertEquals(DistfileName.of("sub/x.tgz"), plain.rawName());
    DistfileRequest pkg = distfile("/run/r/pkg/devel/cmake/cmake-3.27.9.tar.gz");
    assertEquals(Optional.of("r"), pkg.runId());
    assertEquals(Optional.of(new PkgPath("devel", "cmake")), pkg.pkgPath());
  }

  @ParameterizedTest
  @CsvSource({"sha512,128", "sha256,64", "blake2s,64", "sha1,40", "rmd160,40"})
  void byHashAcceptsEveryAlgorithmAtItsExactLength(String alg, int hexLength) throws Exception {
    String hex = "0123456789abcdef".repeat(8).substring(0, hexLength);
    HashRequest r = (HashRequest) parser.parse("/by-hash/" + alg + "/" + hex).orElseThrow();
    assertEquals(Digest.fromHex(DigestAlgorithm.byName(alg).orElseThrow(), hex), r.digest());
    assertEquals(hexLength + " hex digits, got " + (hexLength + 1),
        reason("/by-hash/" + alg + "/" + hex + "0").replaceAll("^.* must be ", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/favicon.ico", "/api/v1/mode", "/distfiles.txt", "/%64istfiles/x"})
  void pathsOutsideTheRoutesAreNotTargets(String path) throws Exception {
    assertEquals(Optional.empty(), parser.parse(path));
  }

  @Test
  void pathsOutsideTheRoutesAreStillChecked() {
    assertEquals("'..' path segment", reason("/api/../distfiles/x"));
    assertEquals("empty path segment ('//' or a trailing '/')", reason("/api//x"));
  }

  @Test
  void pathOfExactlyTheLimitIsAccepted() throws Exception {
    // A serving route hits the 1024-byte name limit first, so use a path outside the routes.
    String path = "/elsewhere/" + "a".repeat(RequestTargetParser.MAX_PATH_LENGTH - 11);
    assertEquals(RequestTargetParser.MAX_PATH_LENGTH, path.length());
    assertEquals(Optional.empty(), parser.parse(path));
    assertEquals("request path longer than 4096 bytes", reason(path + "a"));
  }

  @Test
  void nameOfExactlyTheNameLimitIsAccepted() throws Exception {
    String name = ("d".repeat(99) + "/").repeat(10) + "f".repeat(DistfileName.MAX_BYTES - 1000);
    assertEquals(DistfileName.MAX_BYTES, name.length());
    assertEquals(name, distfile("/distfiles/" + name).rawName().value());
    assertEquals("invalid distfile name: longer than 1024 bytes", reason("/distfiles/" + name + "f"));
  }

  @Test
  void rawBytesOutsidePrintableAsciiAreRefused() {
    assertEquals("byte 0x20 in request path (only printable ASCII; percent-encode the rest)", reason("/distfiles/a b"));
    assertEquals("byte 0xe9 in request path (only printable ASCII; percent-encode the rest)", reason("/distfiles/caf\u00e9"));
    assertEquals("backslash in request path", reason("/distfiles/a\\b"));
  }

  @Test
  void percentEscapesAreStrict() {
    assertEquals("invalid percent escape at '%zz'", reason("/distfiles/a%zz"));
    assertEquals("invalid percent escape at '%2'", reason("/distfiles/a%2"));
    assertEquals("invalid percent escape at '%'", reason("/distfiles/a%"));
  }

  @Test
  void decodedNonAsciiNameIsACandidate() throws Exception {
    DistfileRequest r = distfile("/distfiles/caf%C3%A9-1.0.tgz");
    assertEquals(Optional.of(DistfileName.of("caf\u00e9-1.0.tgz")), r.decodedName());
  }
}
