package org.distvault.prefetch.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainLine} reads only lines whose fields Jackson's parse would give alike: for each line
 * it reads, {@link LineParser#parse} and {@link LineParser#parseJson} give the same entry or the
 * same fault; every other shape it leaves to Jackson.
 */
class PlainLineTest {
  private static final String S512 =
      "56ce723b0b6d09b420a2f89ba1636cdfb1bc305bc2df91ae716f866bee07f5d7"
          + "02d75efbddfbaf724f47382df809107fe1e6d046314cd2f1ff07bca34ad6340a";
  private static final String B2 = "dd46628f543305e497ada4a307c605fbbb8c168f7b570604db0b78f68aac2dd0";
  private static final String DIGESTS = "\"digests\":{\"sha512\":\"" + S512 + "\",\"blake2s\":\"" + B2 + "\"}";

  /** Whether the plain reader takes {@code line}; the line's own bytes sit inside others. */
  private static boolean plain(String line) {
    byte[] b = ("{x" + line + "}\"").getBytes(UTF_8);
    return PlainLine.scan(b, 2, b.length - 2) != null;
  }

  /** The entry or the fault of {@code line}, the same by both paths. */
  private static Object sameByBoth(String line) {
    byte[] b = line.getBytes(UTF_8);
    LineParser p = new LineParser();
    Object fast;
    Object json;
    try {
      fast = p.parse(b, 0, b.length);
    } catch (LineParser.LineException e) {
      fast = "fault: " + e.getMessage();
    }
    try {
      json = p.parseJson(b, 0, b.length);
    } catch (LineParser.LineException e) {
      json = "fault: " + e.getMessage();
    }
    assertEquals(json, fast, line);
    return fast;
  }

  @Test
  void plainLinesGiveJacksonsEntries() {
    List<String> lines = List.of(
        "{\"name\":\"dist-1.0.tar.gz\",\"pkgpaths\":[\"cat/pkg\"],\"size\":26782159," + DIGESTS
            + ",\"urls\":[\"http://127.0.0.1:9/distfiles/dist-1.0.tar.gz\",\"http://127.0.0.1:9/m/dist-1.0.tar.gz\"]}",
        " { \"urls\" : [ ] , \"size\" : 0 ,\t\"name\" : \"a_b+c~\" , \"digests\" : { } , \"pkgpaths\" : [ ] }\r ",
        "{\"name\":\"x\",\"size\":999999999999999999,\"digests\":{\"SHA512\":\"" + S512.toUpperCase() + "\"}}",
        "{\"name\":\"x\",\"digests\":{\"BLAKE2s\":\"" + B2 + "\"},\"pkgpaths\":[\"b/c\",\"a/b\",\"b/c\"]}",
        "{\"name\":\"a b ~x!\",\"size\":7,\"urls\":[\"ftp://h/x\",\"ftp://h/x\",\"https://h/x\"]}");
    for (String line : lines) {
      assertEquals(true, plain(line), line);
      Object r = sameByBoth(line);
      assertEquals(true, r instanceof ExpectedDistfile, line + " -> " + r);
    }
  }

  @Test
  void plainLinesWithFaultsGetTheSameMessages() {
    List<String> lines = List.of(
        "{}",
        "{\"size\":1}",
        "{\"name\":\"\",\"size\":1}",
        "{\"name\":\"../x\",\"size\":1}",
        "{\"name\":\"x\"}",
        "{\"name\":\"x\",\"digests\":{}}",
        "{\"name\":\"x\",\"size\":1,\"pkgpaths\":[\"cat\"]}",
        "{\"name\":\"x\",\"size\":1,\"pkgpaths\":[\"a/b\",\"c/..\"],\"urls\":[\"http://h/a b\"]}",
        "{\"name\":\"x\",\"size\":1,\"urls\":[\"http://h/x\",\"nope://h/x\"]}",
        "{\"name\":\"x\",\"size\":1,\"urls\":[\"\"]}",
        "{\"name\":\"a\u007fb\",\"size\":1}",
        "{\"name\":\"x\",\"size\":1,\"urls\":[\"http://[::1/x\"]}");
    for (String line : lines) {
      assertEquals(true, plain(line), line);
      Object r = sameByBoth(line);
      assertEquals(true, r instanceof String s && s.startsWith("fault: "), line + " -> " + r);
    }
  }

  @Test
  void everyOtherShapeIsLeftToJackson() {
    List<String> lines = List.of(
        "",
        "  ",
        "[]",
        "{\"name\":\"x\",\"size\":1",
        "{\"name\":\"x\",\"size\":1}x",
        "{\"name\":\"x\",\"size\":1}{}",
        "{\"name\":\"x\",\"size\":1,}",
        "{\"name\":\"x\" \"size\":1}",
        "{\"name\":\"x\",\"name\":\"y\",\"size\":1}",
        "{\"name\":\"x\",\"size\":1,\"size\":1}",
        "{\"name\":\"x\",\"sizes\":1}",
        "{\"nam\\u0065\":\"x\",\"size\":1}",
        "{\"name\":\"x\\u0079\",\"size\":1}",
        "{\"name\":\"caf\u00e9\",\"size\":1}",
        "{\"name\":\"a\tb\",\"size\":1}",
        "{\"name\":\"x\",\"size\":null}",
        "{\"name\":\"x\",\"size\":-1}",
        "{\"name\":\"x\",\"size\":01}",
        "{\"name\":\"x\",\"size\":1.0}",
        "{\"name\":\"x\",\"size\":1e3}",
        "{\"name\":\"x\",\"size\":1000000000000000000}",
        "{\"name\":\"x\",\"size\":\"1\"}",
        "{\"name\":1,\"size\":1}",
        "{\"name\":\"x\",\"size\":1,\"urls\":\"http://h/x\"}",
        "{\"name\":\"x\",\"size\":1,\"urls\":[1]}",
        "{\"name\":\"x\",\"size\":1,\"urls\":[\"http://h/x\",]}",
        "{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "\",\"SHA512\":\"" + S512 + "\"}}",
        "{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "\",\"sha512\":\"" + S512 + "\"}}",
        "{\"name\":\"x\",\"digests\":{\"md5\":\"00\"}}",
        "{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "0\"}}",
        "{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512.substring(1) + "g\"}}",
        "{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512.substring(1) + "\u00e9\"}}",
        "{\"name\":\"x\",\"digests\":{\"sha512\":null}}",
        "{\"name\":\"x\",\"digests\":[]}");
    for (String line : lines) {
      assertEquals(false, plain(line), line);
      sameByBoth(line);
    }
    byte[] b = "{\"name\":\"x\",\"size\":1,\"size\":2}".getBytes(UTF_8);
    LineParser.LineException e =
        assertThrows(LineParser.LineException.class, () -> new LineParser().parse(b, 0, b.length));
    assertEquals("bad JSON: Duplicate field 'size'", e.getMessage());
  }

  @Test
  void aCutLineIsNeverReadPlain() {
    String line = "{\"name\":\"dist-1.0.tar.gz\",\"pkgpaths\":[\"cat/pkg\"],\"size\":26782159," + DIGESTS
        + ",\"urls\":[\"http://h/d/dist-1.0.tar.gz\"]}";
    byte[] b = line.getBytes(UTF_8);
    for (int len = 0; len < b.length; len++) {
      assertNull(PlainLine.scan(b, 0, len), "first " + len + " bytes");
    }
    assertNotNull(PlainLine.scan(b, 0, b.length));
  }
}
