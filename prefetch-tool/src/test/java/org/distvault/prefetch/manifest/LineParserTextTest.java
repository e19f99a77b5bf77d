package org.distvault.prefetch.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;

/**
 * The line parser takes plain ASCII strings straight from the line's bytes and decodes plain hex
 * digests from them too: every other spelling (escapes, non-ASCII text, odd spacing, upper-case
 * hex) must give the same entry, and a line with several faults the same first fault.
 */
class LineParserTextTest {
  private static final String S512 =
      "56ce723b0b6d09b420a2f89ba1636cdfb1bc305bc2df91ae716f866bee07f5d7"
          + "02d75efbddfbaf724f47382df809107fe1e6d046314cd2f1ff07bca34ad6340a";
  private static final String B2 = "dd46628f543305e497ada4a307c605fbbb8c168f7b570604db0b78f68aac2dd0";

  private static ExpectedDistfile parse(String line) throws LineParser.LineException {
    byte[] b = ("xx" + line + "yy").getBytes(UTF_8);
    return new LineParser().parse(b, 2, b.length - 4);
  }

  private static String problem(String line) {
    byte[] b = line.getBytes(UTF_8);
    LineParser.LineException e = org.junit.jupiter.api.Assertions.assertThrows(LineParser.LineException.class,
        () -> new LineParser().parse(b, 0, b.length));
    return e.getMessage();
  }

  private static ExpectedDistfile expected(String name) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(5),
        Digests.fromHex(Map.of("sha512", S512, "blake2s", B2)), Set.of("cat/pkg"),
        List.of("https://example.org/d/" + name));
  }

  @Test
  void everySpellingOfOneEntryParsesEqual() throws Exception {
    ExpectedDistfile plain = parse("{\"name\":\"a-1.tgz\",\"size\":5,\"digests\":{\"sha512\":\"" + S512
        + "\",\"blake2s\":\"" + B2 + "\"},\"pkgpaths\":[\"cat/pkg\"],\"urls\":[\"https://example.org/d/a-1.tgz\"]}");
    assertEquals(expected("a-1.tgz"), plain);
    ExpectedDistfile spaced = parse("{ \"name\" : \"a-1.tgz\" , \"size\" : 5 , \"digests\" : { \"SHA512\" : \""
        + S512.toUpperCase() + "\" , \"BLAKE2s\" :\t\"" + B2 + "\" } , \"pkgpaths\" : [ \"cat/pkg\" , \"cat/pkg\" ] ,"
        + " \"urls\" : [ \"https://example.org/d/a-1.tgz\" , \"https://example.org/d/a-1.tgz\" ] }");
    assertEquals(plain, spaced);
    ExpectedDistfile escaped = parse("{\"name\":\"a\\u002d1.tgz\",\"size\":5,\"digests\":{\"sha512\":\"\\u0035"
        + S512.substring(1) + "\",\"blake2s\":\"" + B2 + "\"},\"pkgpaths\":[\"cat\\/pkg\"],"
        + "\"urls\":[\"https:\\/\\/example.org\\/d\\/a-1.tgz\"]}");
    assertEquals(plain, escaped);
  }

  @Test
  void nonAsciiTextIsTheParsersDecoding() throws Exception {
    ExpectedDistfile e = parse("{\"name\":\"caf\u00e9-\u20ac.tgz\",\"size\":5,\"digests\":{\"sha512\":\"" + S512
        + "\",\"blake2s\":\"" + B2 + "\"},\"pkgpaths\":[\"cat/pkg\"],\"urls\":[\"https://example.org/d/caf\u00e9-\u20ac.tgz\"]}");
    assertEquals(expected("caf\u00e9-\u20ac.tgz"), e);
  }

  @Test
  void emptyStringsAndStringsAtTheEndOfTheLine() throws Exception {
    assertEquals("invalid name '': empty name", problem("{\"size\":1,\"name\":\"\"}"));
    assertEquals(List.of("https://example.org/d/x"), parse("{\"size\":1,\"name\":\"x\",\"urls\":[\"https://example.org/d/x\"]}").urls());
  }

  @Test
  void digestsThatAreNotPlainHexGetTheSameMessages() {
    assertEquals("SHA512 digest has a non-hex character at position 127",
        problem("{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512.substring(1) + "g\"}}"));
    assertEquals("SHA512 digest must be 128 hex digits, got 129",
        problem("{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "0\"}}"));
    assertEquals("BLAKE2s digest must be 64 hex digits, got 65",
        problem("{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "\",\"blake2s\":\"\u00e9" + B2 + "\"}}"));
    assertEquals("unknown digest algorithm md5",
        problem("{\"name\":\"x\",\"digests\":{\"sha512\":\"" + S512 + "\",\"md5\":\"00\"}}"));
  }

  @Test
  void aBadPkgpathIsNamedBeforeABadUrlAndBothAsBefore() {
    assertEquals("bad pkgpath: PKGPATH 'cat' must be category/package (two segments)",
        problem("{\"name\":\"x\",\"size\":1,\"pkgpaths\":[\"a/b\",\"cat\"],\"urls\":[\"http://h/a b\"]}"));
    assertEquals("bad URL 'http://h/a b': contains whitespace or a control character at position 10",
        problem("{\"name\":\"x\",\"size\":1,\"pkgpaths\":[\"a/b\"],\"urls\":[\"http://h/x\",\"http://h/a b\"]}"));
    assertEquals("bad URL '': empty", problem("{\"name\":\"x\",\"size\":1,\"urls\":[\"\"]}"));
  }
}
