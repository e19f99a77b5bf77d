package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
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

  @Test
  void routesWithoutASetAreTheDefaultSets() throws Exception {
    assertEquals(SetName.DEFAULT, distfile("/distfiles/x.tgz").set());
    assertEquals(SetName.DEFAULT, distfile("/pkg/devel/cmake/x.tgz").set());
    assertEquals(SetName.DEFAULT, distfile("/run/r1/pkg/devel/cmake/x.tgz").set());
  }

  @Test
  void setRoutesCarryTheSet() throws Exception {
    DistfileRequest plain = distfile("/set/2026Q4/distfiles/sub/x.tgz");
    assertEquals(SetName.of("2026Q4"), plain.set());
    assertEquals(Optional.empty(), plain.pkgPath());
    assertEquals(DistfileName.of("sub/x.tgz"), plain.rawName());
    DistfileRequest pkg = distfile("/set/2027Q1_amd64-v.2/pkg/devel/cmake/cmake%2B-3.27.9.tar.gz");
    assertEquals(SetName.of("2027Q1_amd64-v.2"), pkg.set());
    assertEquals(Optional.of(new PkgPath("devel", "cmake")), pkg.pkgPath());
    assertEquals(Optional.of(DistfileName.of("cmake+-3.27.9.tar.gz")), pkg.decodedName());
    assertEquals(Optional.empty(), pkg.runId());
    // The set named "default" through /set/ is the same set as the routes without one.
    assertEquals(SetName.DEFAULT, distfile("/set/default/distfiles/x.tgz").set());
  }

  @Test
  void runRoutesComposeWithSets() throws Exception {
    DistfileRequest r = distfile("/set/A/run/bulk-7/pkg/devel/cmake/x.tgz");
    assertEquals(SetName.of("A"), r.set());
    assertEquals(Optional.of("bulk-7"), r.runId());
    assertEquals(Optional.of(new PkgPath("devel", "cmake")), r.pkgPath());
    assertEquals(SetName.of("A"), distfile("/set/A/run/bulk-7/distfiles/x.tgz").set());
    assertEquals("expected /run/<id>/distfiles/... or /run/<id>/pkg/...", reason("/set/A/run/bulk-7/by-hash/x"));
    // /run/<id>/ takes no /set/ after it: the set comes first.
    assertEquals("expected /run/<id>/distfiles/... or /run/<id>/pkg/...", reason("/run/r1/set/A/distfiles/x.tgz"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/set", "/set/A", "/set/A/by-hash/sha256/" + "ab", "/set/A/favicon.ico",
      "/set/A/set/B/distfiles/x.tgz", "/set/A/api/v1/mode"})
  void pathsUnderASetOutsideTheRoutesAreNoRoute(String path) throws Exception {
    assertEquals(Optional.empty(), parser.parse(path));
  }

  @Test
  void hostileSetSegmentsAreRefused() {
    assertEquals("invalid set name 'a+b': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed",
        reason("/set/a+b/distfiles/x.tgz"));
    assertEquals("invalid set name '" + "s".repeat(65) + "': longer than 64 characters",
        reason("/set/" + "s".repeat(65) + "/pkg/devel/cmake/x.tgz"));
    // Escapes are not decoded into a set name: a set name never needs one.
    assertEquals("invalid set name '%41': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed",
        reason("/set/%41/distfiles/x.tgz"));
    assertEquals("percent-encoded '/' inside a path segment", reason("/set/a%2Fb/distfiles/x.tgz"));
    assertEquals("'..' path segment", reason("/set/../distfiles/x.tgz"));
    assertEquals("'.' path segment", reason("/set/./distfiles/x.tgz"));
    assertEquals("'..' path segment", reason("/set/%2e%2e/distfiles/x.tgz"));
    assertEquals("empty path segment ('//' or a trailing '/')", reason("/set//distfiles/x.tgz"));
    assertEquals("empty path segment ('//' or a trailing '/')", reason("/set/"));
    assertEquals("percent-encoded NUL in request path", reason("/set/a%00/distfiles/x.tgz"));
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
