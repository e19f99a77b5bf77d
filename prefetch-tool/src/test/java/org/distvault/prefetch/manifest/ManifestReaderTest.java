package org.distvault.prefetch.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestReaderTest {
  private static final String B2 = "dd46628f543305e497ada4a307c605fbbb8c168f7b570604db0b78f68aac2dd0";
  private static final String S512 =
      "56ce723b0b6d09b420a2f89ba1636cdfb1bc305bc2df91ae716f866bee07f5d7"
          + "02d75efbddfbaf724f47382df809107fe1e6d046314cd2f1ff07bca34ad6340a";
  private static final String CMAKE =
      "{\"name\":\"cmake-3.27.9.tar.gz\",\"pkgpaths\":[\"devel/cmake\"],\"size\":10984490,"
          + "\"digests\":{\"blake2s\":\"" + B2 + "\",\"sha512\":\"" + S512 + "\"},"
          + "\"urls\":[\"https://cmake.org/files/v3.27/cmake-3.27.9.tar.gz\"]}";

  private static List<ManifestLine> readAllLines(String text) throws IOException {
    List<ManifestLine> out = new ArrayList<>();
    try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(text.getBytes(UTF_8)))) {
      for (ManifestLine l = r.next(); l != null; l = r.next()) {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void contractExampleParsesIntoEveryField() throws IOException {
    List<ManifestLine> lines = readAllLines(CMAKE + "\n");
    assertEquals(1, lines.size());
    ExpectedDistfile e = assertInstanceOf(ManifestLine.Entry.class, lines.get(0)).entry();
    assertEquals("cmake-3.27.9.tar.gz", e.name().value());
    assertEquals(OptionalLong.of(10984490), e.size());
    assertEquals(Set.of("devel/cmake"), e.pkgpaths());
    assertEquals(List.of("https://cmake.org/files/v3.27/cmake-3.27.9.tar.gz"), e.urls());
    assertEquals(B2, e.digests().toHexMap().get("blake2s"));
    assertEquals(S512, e.digests().toHexMap().get("sha512"));
  }

  @Test
  void crlfBlankLinesAndMissingFinalNewlineAreTolerated() throws IOException {
    String text = "\r\n" + CMAKE + "\r\n\n   \n{\"name\":\"a/b.tgz\",\"size\":0}";
    List<ManifestLine> lines = readAllLines(text);
    assertEquals(2, lines.size());
    assertEquals(2, lines.get(0).number());
    assertEquals(5, lines.get(1).number());
    ExpectedDistfile b = assertInstanceOf(ManifestLine.Entry.class, lines.get(1)).entry();
    assertEquals("a/b.tgz", b.name().value());
    assertEquals(OptionalLong.of(0), b.size());
    assertTrue(b.digests().isEmpty());
    assertTrue(b.pkgpaths().isEmpty());
  }

  static Stream<Arguments> malformedLines() {
    String sha = "\"sha512\":\"" + S512 + "\"";
    return Stream.of(
        Arguments.of("{\"name\":\"x\",\"size\":1", "bad JSON: "),
        Arguments.of("[1,2]", "bad JSON: a line must be one JSON object"),
        Arguments.of("{\"name\":\"x\",\"size\":1} {}", "bad JSON: text after the object"),
        Arguments.of("{\"name\":\"x\",\"name\":\"y\",\"size\":1}", "bad JSON: Duplicate field 'name'"),
        Arguments.of("{\"size\":1}", "missing name"),
        Arguments.of("{\"name\":7,\"size\":1}", "name must be a string, got a number"),
        Arguments.of("{\"name\":\"a/../b\",\"size\":1}", "invalid name 'a/../b': '..' path segment"),
        Arguments.of("{\"name\":\"/etc/passwd\",\"size\":1}", "invalid name '/etc/passwd': absolute path"),
        Arguments.of("{\"name\":\"x\",\"digests\":{\"sha512\":\"abc\"}}",
            "SHA512 digest must be 128 hex digits, got 3"),
        Arguments.of("{\"name\":\"x\",\"digests\":{\"sha512\":\"" + "g".repeat(128) + "\"}}",
            "SHA512 digest has a non-hex character at position 0"),
        Arguments.of("{\"name\":\"x\",\"digests\":{\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"}}",
            "unknown digest algorithm md5"),
        Arguments.of("{\"name\":\"x\",\"digests\":{\"sha512\":5}}", "digest sha512 must be a hex string, got a number"),
        Arguments.of("{\"name\":\"x\",\"digests\":{\"SHA512\":\"" + S512 + "\",\"sha512\":\"" + "0".repeat(128) + "\"}}",
            "digests 'SHA512' and 'sha512' are both SHA512 but differ"),
        Arguments.of("{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "\",\"Sha512\":\"" + S512.toUpperCase()
            + "\"}}", "digests 'sha512' and 'Sha512' are both SHA512: give each algorithm once"),
        Arguments.of("{\"name\":\"x\",\"digests\":{" + sha + "," + sha + "}}", "bad JSON: Duplicate field 'sha512'"),
        Arguments.of("{\"name\":\"x\",\"size\":-1}", "negative size -1"),
        Arguments.of("{\"name\":\"x\",\"size\":1.5}", "size must be an integer, got a number"),
        Arguments.of("{\"name\":\"x\",\"size\":99999999999999999999}", "size 99999999999999999999 is out of range"),
        Arguments.of("{\"name\":\"x\",\"digests\":{}}", "neither size nor digests: nothing to verify the file against"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"pkgpaths\":[\"devel\"]}",
            "bad pkgpath: PKGPATH 'devel' must be category/package (two segments)"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"pkgpaths\":\"devel/cmake\"}",
            "pkgpaths must be an array of strings, got a string"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"urls\":[\"gopher://h/x\"]}",
            "bad URL 'gopher://h/x': unsupported scheme 'gopher' (http, https, ftp or file)"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"urls\":[\"cmake.tar.gz\"]}",
            "bad URL 'cmake.tar.gz': not absolute (no scheme)"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"urls\":[\"http:///x\"]}", "bad URL 'http:///x': no host"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"urls\":[\"http://h/a b\"]}",
            "bad URL 'http://h/a b': contains whitespace or a control character at position 10"),
        Arguments.of("{\"name\":\"x\",\"size\":1,\"digest\":{" + sha + "}}", "unknown field 'digest'"));
  }

  @ParameterizedTest
  @MethodSource("malformedLines")
  void malformedLineNamesLineAndFaultAndReadingContinues(String bad, String problemStart) throws IOException {
    List<ManifestLine> lines = readAllLines(CMAKE + "\n" + bad + "\n" + CMAKE + "\n");
    assertEquals(3, lines.size());
    ManifestError err = assertInstanceOf(ManifestLine.Malformed.class, lines.get(1)).error();
    assertEquals(2, err.line());
    assertTrue(err.problem().startsWith(problemStart), () -> "got: " + err.problem());
    assertTrue(err.toString().startsWith("line 2: " + problemStart), err::toString);
    assertInstanceOf(ManifestLine.Entry.class, lines.get(2));
  }

  @Test
  void invalidUtf8IsBadJsonOnItsLine() throws IOException {
    byte[] bad = "{\"name\":\"caf\u00ff.tgz\",\"size\":1}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((CMAKE + "\n").getBytes(UTF_8));
    b.write(bad);
    b.write('\n');
    try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(b.toByteArray()))) {
      assertInstanceOf(ManifestLine.Entry.class, r.next());
      ManifestError err = assertInstanceOf(ManifestLine.Malformed.class, r.next()).error();
      assertEquals(2, err.line());
      assertTrue(err.problem().startsWith("bad JSON: Invalid UTF-8"), err.problem());
      assertNull(r.next());
    }
  }

  @Test
  void overLongLineIsAnErrorAndTheNextLineStillParses() throws IOException {
    String longName = "x".repeat(ManifestReader.MAX_LINE_BYTES + 10);
    List<ManifestLine> lines = readAllLines("{\"name\":\"" + longName + "\"}\n" + CMAKE);
    assertEquals(2, lines.size());
    assertEquals("line 1: line longer than 1048576 bytes",
        assertInstanceOf(ManifestLine.Malformed.class, lines.get(0)).error().toString());
    assertInstanceOf(ManifestLine.Entry.class, lines.get(1));
  }

  @Test
  void readAllCapsCollectedErrorsButCountsThemAll(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("m.jsonl");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      text.append("{\"size\":1}\n").append(CMAKE).append('\n');
    }
    Files.writeString(f, text);
    Manifest m = ManifestReader.readAll(f, 100);
    assertEquals(150, m.entries().size());
    assertEquals(100, m.errors().size());
    assertEquals(150, m.errorCount());
    assertEquals("line 3: missing name", m.errors().get(1).toString());
    ManifestFormatException e = assertThrows(ManifestFormatException.class, () -> m.requireValid("m.jsonl"));
    assertEquals("m.jsonl: 150 malformed lines: line 1: missing name", e.getMessage());
  }

  @Test
  void writerOutputReadsBackEqual(@TempDir Path dir) throws IOException {
    List<ExpectedDistfile> in = List.of(
        new ExpectedDistfile(DistfileName.of("mysql%2B%2B-3.3.0.tar.gz"), OptionalLong.empty(),
            Digests.fromHex(java.util.Map.of("sha512", S512)), Set.of("wip/mysql++"),
            List.of("https://example.org/mysql%2B%2B-3.3.0.tar.gz", "ftp://ftp.example.org/pub/x.tgz")),
        new ExpectedDistfile(DistfileName.of("suse100/i586/alsa.rpm"), OptionalLong.of(2475415), Digests.empty(),
            Set.of("emulators/suse100_alsa", "audio/alsa"), List.of()));
    Path f = dir.resolve("m.jsonl");
    try (OutputStream os = Files.newOutputStream(f); ManifestWriter w = new ManifestWriter(os)) {
      for (ExpectedDistfile e : in) {
        w.write(e);
      }
    }
    List<String> text = Files.readAllLines(f);
    assertEquals(2, text.size());
    assertEquals("{\"name\":\"suse100/i586/alsa.rpm\",\"pkgpaths\":[\"audio/alsa\",\"emulators/suse100_alsa\"],"
        + "\"size\":2475415,\"digests\":{},\"urls\":[]}", text.get(1));
    Manifest back = ManifestReader.readAll(f, 10).requireValid("m.jsonl");
    assertEquals(in, back.entries());
  }
}
