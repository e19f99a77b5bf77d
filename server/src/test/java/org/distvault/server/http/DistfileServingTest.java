package org.distvault.server.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.distvault.server.bench.DirectoryBlobSource;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The serving routes over a real Undertow on a loopback port and real files: headers, ranges, 304s. */
class DistfileServingTest {
  @TempDir static Path dir;
  static TestCorpus corpus;
  static RecordingBlobSource source;
  static HttpServing serving;

  @BeforeAll
  static void start() throws IOException {
    corpus = TestCorpus.create(dir);
    source = new RecordingBlobSource(DirectoryBlobSource.scan(dir, EnumSet.of(DigestAlgorithm.SHA256)));
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

  /** A request sent exactly as written: REST Assured must not percent-encode our paths. */
  private static RequestSpecification http() {
    return given().baseUri("http://127.0.0.1").port(serving.address().getPort()).urlEncodingEnabled(false);
  }

  private static byte[] slice(byte[] all, int from, int toInclusive) {
    return Arrays.copyOfRange(all, from, toInclusive + 1);
  }

  @Test
  void wholeGetSendsEveryHeaderAndTheExactBytes() {
    byte[] expected = corpus.bytes(TestCorpus.PLAIN);
    Response r = http().get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
    assertEquals(String.valueOf(expected.length), r.header("Content-Length"));
    assertEquals(corpus.etag(TestCorpus.PLAIN), r.header("ETag"));
    assertEquals(TestCorpus.STORED_AT_HTTP, r.header("Last-Modified"));
    assertEquals("bytes", r.header("Accept-Ranges"));
    assertEquals("application/octet-stream", r.header("Content-Type"));
    assertArrayEquals(expected, r.asByteArray());
  }

  @Test
  void headHasTheHeadersOfGetButNoBody() {
    Response r = http().head("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
    assertEquals("300000", r.header("Content-Length"));
    assertEquals(corpus.etag(TestCorpus.PLAIN), r.header("ETag"));
    assertEquals(TestCorpus.STORED_AT_HTTP, r.header("Last-Modified"));
    assertEquals("bytes", r.header("Accept-Ranges"));
    assertEquals(0, r.asByteArray().length);
  }

  @Test
  void emptyFileIsServedWithZeroLength() {
    Response r = http().get("/distfiles/" + TestCorpus.EMPTY);
    assertEquals(200, r.statusCode());
    assertEquals("0", r.header("Content-Length"));
    assertEquals(0, r.asByteArray().length);
  }

  @Test
  void rangeOfTheFirstByteReturns206WithThatByte() {
    byte[] all = corpus.bytes(TestCorpus.PLAIN);
    Response r = http().header("Range", "bytes=0-0").get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 0-0/300000", r.header("Content-Range"));
    assertEquals("1", r.header("Content-Length"));
    assertEquals(corpus.etag(TestCorpus.PLAIN), r.header("ETag"));
    assertArrayEquals(slice(all, 0, 0), r.asByteArray());
  }

  @Test
  void rangeOfTheLastByteReturns206WithThatByte() {
    byte[] all = corpus.bytes(TestCorpus.PLAIN);
    Response r = http().header("Range", "bytes=299999-299999").get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 299999-299999/300000", r.header("Content-Range"));
    assertArrayEquals(slice(all, 299_999, 299_999), r.asByteArray());
  }

  @Test
  void rangeInTheMiddleReturnsExactlyThoseBytes() {
    byte[] all = corpus.bytes(TestCorpus.PLAIN);
    // Longer than Undertow's first header buffer, so both the buffered and the sendfile part count.
    Response r = http().header("Range", "bytes=1000-150999").get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 1000-150999/300000", r.header("Content-Range"));
    assertEquals("150000", r.header("Content-Length"));
    assertArrayEquals(slice(all, 1000, 150_999), r.asByteArray());
  }

  @Test
  void openEndedRangeReturnsTheTail() {
    byte[] all = corpus.bytes(TestCorpus.PLAIN);
    Response r = http().header("Range", "bytes=123456-").get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 123456-299999/300000", r.header("Content-Range"));
    assertArrayEquals(slice(all, 123_456, 299_999), r.asByteArray());
  }

  @Test
  void suffixRangeReturnsTheLastBytes() {
    byte[] all = corpus.bytes(TestCorpus.PLAIN);
    Response r = http().header("Range", "bytes=-500").get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 299500-299999/300000", r.header("Content-Range"));
    assertArrayEquals(slice(all, 299_500, 299_999), r.asByteArray());
  }

  @Test
  void suffixLongerThanTheFileReturnsAllOfItAs206() {
    byte[] all = corpus.bytes(TestCorpus.MYSQL);
    Response r = http().header("Range", "bytes=-999999").get("/distfiles/" + TestCorpus.MYSQL);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 0-4999/5000", r.header("Content-Range"));
    assertArrayEquals(all, r.asByteArray());
  }

  @Test
  void rangeEndPastTheEndIsClamped() {
    byte[] all = corpus.bytes(TestCorpus.MYSQL);
    Response r = http().header("Range", "bytes=4990-99999").get("/distfiles/" + TestCorpus.MYSQL);
    assertEquals(206, r.statusCode());
    assertEquals("bytes 4990-4999/5000", r.header("Content-Range"));
    assertArrayEquals(slice(all, 4990, 4999), r.asByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=300000-", "bytes=300000-300010", "bytes=999999999-", "bytes=-0"})
  void rangePastEndReturns416WithTheSize(String range) {
    Response r = http().header("Range", range).get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(416, r.statusCode());
    assertEquals("bytes */300000", r.header("Content-Range"));
    assertEquals("range not satisfiable: the file has 300000 bytes\n", r.asString());
  }

  @Test
  void anyRangeOfAnEmptyFileReturns416() {
    Response r = http().header("Range", "bytes=0-").get("/distfiles/" + TestCorpus.EMPTY);
    assertEquals(416, r.statusCode());
    assertEquals("bytes */0", r.header("Content-Range"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-0,5-9", "bytes=9-5", "bytes=abc", "items=0-1", "bytes=0-1;x", "bytes=", "bytes=+1-2"})
  void multiOrMalformedRangeIsIgnoredAndServesAll(String range) {
    Response r = http().header("Range", range).get("/distfiles/" + TestCorpus.MYSQL);
    assertEquals(200, r.statusCode());
    assertNull(r.header("Content-Range"));
    assertArrayEquals(corpus.bytes(TestCorpus.MYSQL), r.asByteArray());
  }

  @Test
  void headIgnoresRange() {
    Response r = http().header("Range", "bytes=0-9").head("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
    assertEquals("300000", r.header("Content-Length"));
    assertNull(r.header("Content-Range"));
  }

  @Test
  void ifRangeWithOurEtagAppliesTheRange() {
    Response r = http().header("Range", "bytes=10-19").header("If-Range", corpus.etag(TestCorpus.PLAIN))
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertArrayEquals(slice(corpus.bytes(TestCorpus.PLAIN), 10, 19), r.asByteArray());
  }

  @Test
  void ifRangeWithTheExactLastModifiedAppliesTheRange() {
    Response r = http().header("Range", "bytes=10-19").header("If-Range", TestCorpus.STORED_AT_HTTP)
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, r.statusCode());
    assertArrayEquals(slice(corpus.bytes(TestCorpus.PLAIN), 10, 19), r.asByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"0123\"", "Tue, 02 Jan 2024 03:04:06 GMT", "not a validator"})
  void ifRangeThatDoesNotMatchServesAll(String ifRange) {
    Response r = http().header("Range", "bytes=10-19").header("If-Range", ifRange)
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
    assertArrayEquals(corpus.bytes(TestCorpus.PLAIN), r.asByteArray());
  }

  @Test
  void ifRangeWithAWeakTagOfOurEtagServesAll() {
    Response r = http().header("Range", "bytes=10-19").header("If-Range", "W/" + corpus.etag(TestCorpus.PLAIN))
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
  }

  @Test
  void ifNoneMatchWithOurEtagReturns304WithValidatorsAndNoBody() {
    Response r = http().header("If-None-Match", corpus.etag(TestCorpus.PLAIN)).get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(304, r.statusCode());
    assertEquals(corpus.etag(TestCorpus.PLAIN), r.header("ETag"));
    assertEquals(TestCorpus.STORED_AT_HTTP, r.header("Last-Modified"));
    assertNull(r.header("Content-Length"));
    assertEquals(0, r.asByteArray().length);
  }

  @Test
  void theTagOfEarlierVersionsStillGives304AndAppliesARange() {
    String old = corpus.legacyEtag(TestCorpus.PLAIN);
    assertEquals(130, old.length());
    assertEquals(24, corpus.etag(TestCorpus.PLAIN).length());
    for (String inm : List.of(old, "W/" + old, "\"other\", " + old)) {
      Response r = http().header("If-None-Match", inm).get("/distfiles/" + TestCorpus.PLAIN);
      assertEquals(304, r.statusCode(), "If-None-Match: " + inm);
      assertEquals(corpus.etag(TestCorpus.PLAIN), r.header("ETag"), "the short tag is sent");
    }
    Response ranged = http().header("Range", "bytes=10-19").header("If-Range", old)
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(206, ranged.statusCode());
    assertArrayEquals(slice(corpus.bytes(TestCorpus.PLAIN), 10, 19), ranged.asByteArray());
    Response weak = http().header("Range", "bytes=10-19").header("If-Range", "W/" + old)
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, weak.statusCode(), "a weak tag never applies a range");
  }

  @Test
  void ifNoneMatchStarListAndWeakTagsReturn304() {
    String etag = corpus.etag(TestCorpus.PLAIN);
    for (String inm : List.of("*", "\"other\", " + etag, "W/" + etag, "\"a\",W/\"b\" ,  W/" + etag + ",\"c\"")) {
      Response r = http().header("If-None-Match", inm).get("/distfiles/" + TestCorpus.PLAIN);
      assertEquals(304, r.statusCode(), "If-None-Match: " + inm);
    }
    Response head = http().header("If-None-Match", etag).head("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(304, head.statusCode());
  }

  @Test
  void ifNoneMatchWithOtherTagsServesAllAndOverridesIfModifiedSince() {
    Response r = http().header("If-None-Match", "\"other\", W/\"x\"")
        .header("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT")
        .get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
    assertArrayEquals(corpus.bytes(TestCorpus.PLAIN), r.asByteArray());
  }

  @Test
  void ifModifiedSinceAtOrAfterLastModifiedReturns304() {
    for (String ims : List.of(TestCorpus.STORED_AT_HTTP, "Wed, 03 Jan 2024 00:00:00 GMT")) {
      Response r = http().header("If-Modified-Since", ims).get("/distfiles/" + TestCorpus.PLAIN);
      assertEquals(304, r.statusCode(), "If-Modified-Since: " + ims);
      assertEquals(0, r.asByteArray().length);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Tue, 02 Jan 2024 03:04:04 GMT", "yesterday"})
  void ifModifiedSinceEarlierOrInvalidServesAll(String ims) {
    Response r = http().header("If-Modified-Since", ims).get("/distfiles/" + TestCorpus.PLAIN);
    assertEquals(200, r.statusCode());
    assertArrayEquals(corpus.bytes(TestCorpus.PLAIN), r.asByteArray());
  }

  @Test
  void literalPercentNameIsFoundAsSentWithoutDecoding() {
    Response r = http().get("/distfiles/a%2Bb.tgz");
    assertEquals(200, r.statusCode());
    assertEquals("literal a%2Bb\n", r.asString());
    assertEquals(List.of("name a%2Bb.tgz"), source.calls());
  }

  @Test
  void nameIsDecodedWhenTheRawNameIsMissing() {
    Response r = http().get("/distfiles/c%2Bd.tgz");
    assertEquals(200, r.statusCode());
    assertEquals("decoded c+d\n", r.asString());
    assertEquals(List.of("name c%2Bd.tgz", "name c+d.tgz"), source.calls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"semi;colon-1.0.tgz", "espa~nol-1.7.tar.gz", "cracklib,2.7.tar.gz",
      "git.sr.ht_~sbinet_gg_@v_v0.3.1.zip", "wipeout-ttf-20211024/2197%20Block.ttf", TestCorpus.MYSQL, TestCorpus.SUBDIR})
  void realWorldNamesAreServedAsSent(String name) {
    Response r = http().get("/distfiles/" + name);
    assertEquals(200, r.statusCode());
    assertArrayEquals(corpus.bytes(name), r.asByteArray());
    assertEquals(List.of("name " + name), source.calls());
  }

  @Test
  void queryStringIsIgnored() {
    Response r = http().get("/distfiles/" + TestCorpus.MYSQL + "?mirror=1");
    assertEquals(200, r.statusCode());
    assertArrayEquals(corpus.bytes(TestCorpus.MYSQL), r.asByteArray());
    assertEquals(List.of("name " + TestCorpus.MYSQL), source.calls());
  }

  @Test
  void pkgRouteAsksForThePackagesBlob() {
    Response r = http().get("/pkg/databases/mysql/" + TestCorpus.MYSQL);
    assertEquals(200, r.statusCode());
    assertArrayEquals(corpus.bytes(TestCorpus.MYSQL), r.asByteArray());
    assertEquals(List.of("pkg databases/mysql " + TestCorpus.MYSQL), source.calls());
  }

  @Test
  void runRoutesServeLikeTheirPlainRoutes() {
    Response pkg = http().get("/run/bulk-2026.11_a/pkg/www/firefox-l10n/" + TestCorpus.SUBDIR);
    assertEquals(200, pkg.statusCode());
    assertArrayEquals(corpus.bytes(TestCorpus.SUBDIR), pkg.asByteArray());
    Response plain = http().header("Range", "bytes=0-3").get("/run/r1/distfiles/" + TestCorpus.SUBDIR);
    assertEquals(206, plain.statusCode());
    assertArrayEquals(slice(corpus.bytes(TestCorpus.SUBDIR), 0, 3), plain.asByteArray());
    assertEquals(List.of("pkg www/firefox-l10n " + TestCorpus.SUBDIR, "name " + TestCorpus.SUBDIR), source.calls());
  }

  @Test
  void byHashServesBySha512AndSha256() {
    byte[] bytes = corpus.bytes(TestCorpus.SUBDIR);
    for (String alg : List.of("sha512", "sha256")) {
      String hex = TestCorpus.hex(alg.equals("sha512") ? "SHA-512" : "SHA-256", bytes);
      Response r = http().get("/by-hash/" + alg + "/" + hex);
      assertEquals(200, r.statusCode(), alg);
      assertEquals(corpus.etag(TestCorpus.SUBDIR), r.header("ETag"));
      assertArrayEquals(bytes, r.asByteArray());
    }
  }

  @Test
  void byHashMissReturns404NamingTheDigest() {
    String hex = "ab".repeat(32);
    Response r = http().get("/by-hash/sha256/" + hex);
    assertEquals(404, r.statusCode());
    assertEquals("no stored blob has sha256 " + hex + "\n", r.asString());
  }

  @Test
  void missReturns404WithOneLine() {
    Response r = http().get("/pkg/devel/foo/foo%2B-1.0.tar.gz");
    assertEquals(404, r.statusCode());
    assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
    assertEquals("not in the cache: foo%2B-1.0.tar.gz (nor, decoded, foo+-1.0.tar.gz) for devel/foo\n", r.asString());
    assertEquals(List.of("pkg devel/foo foo%2B-1.0.tar.gz", "pkg devel/foo foo+-1.0.tar.gz"), source.calls());
  }

  @Test
  void pathOutsideTheRoutesReturns404WithoutALookup() {
    Response r = http().get("/favicon.ico");
    assertEquals(404, r.statusCode());
    assertEquals(List.of(), source.calls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
  void otherMethodsOnServingRoutesReturn405WithAllow(String method) {
    Response r = http().request(method, "/distfiles/" + TestCorpus.PLAIN);
    assertEquals(405, r.statusCode());
    assertEquals("GET, HEAD", r.header("Allow"));
    assertEquals(method + " not allowed: use GET or HEAD\n", r.asString());
    assertEquals(List.of(), source.calls());
  }

  @Test
  void blobWhoseFileHasTheWrongSizeIsRefusedWith500() throws IOException {
    ServableBlob real = source.find(Optional.empty(), DistfileName.of(TestCorpus.MYSQL)).blob().orElseThrow();
    ServableBlob lying = new ServableBlob(real.sha512(), real.size() + 1, real.file(), real.storedAt());
    BlobSource wrong = new BlobSource() {
      @Override
      public Lookup find(Optional<PkgPath> pkgPath, DistfileName name) {
        return Lookup.of(Optional.of(lying));
      }

      @Override
      public Optional<ServableBlob> findByHash(Digest digest) {
        return Optional.empty();
      }
    };
    try (HttpServing other = HttpServing.serve(wrong, ServingConfig.loopback(0))) {
      Response r = given().baseUri("http://127.0.0.1").port(other.address().getPort()).get("/distfiles/x.tgz");
      assertEquals(500, r.statusCode());
      assertNull(r.header("ETag"));
      assertEquals("cannot read the stored blob (see the server log)\n", new String(r.asByteArray(), StandardCharsets.UTF_8));
    }
  }
}
