package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distvault.server.mode.Mode;
import org.distvault.storage.blob.BlobLayout;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server whose blobs live in a real S3 server (s3proxy, its own process on a loopback
 * port): ingested blobs become objects under {@code PREFIX/blobs/sha512/ab/cd/<hex>}, hits are
 * served byte for byte from the cache tier, and while the S3 server is down the tier keeps serving
 * and a bound blob that only the bucket holds answers 503, counted, and is no violation.
 */
class S3ServeIT extends OnS3Server {
  private static final String BUCKET = "distvault-serve";
  private static final String PREFIX = "cache/primary";
  @TempDir Path data;
  @TempDir Path cacheDir;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  private ServerConfig config() {
    return ServerConfig.defaults(data).withPort(0).withMode(Mode.ONLINE)
        .withBlobStore(new S3Store(options(BUCKET, PREFIX), cacheDir, 64L << 20));
  }

  private Path tierFile(byte[] content) {
    return BlobLayout.of(cacheDir).path(Digest.fromHex(DigestAlgorithm.SHA512, Catalogue.sha512Hex(content)));
  }

  private static double backendGetErrors(TestServer s) {
    return backendErrors(s.http().get("/metrics").asString(), "get");
  }

  @Test
  void blobsLiveInTheBucketAndTheTierServesThroughAnOutage() throws IOException {
    byte[] small = Catalogue.content(1, 1000);
    byte[] big = Catalogue.content(2, (3 << 20) + 17);
    byte[] cold = Catalogue.content(3, 200_000);
    try (TestServer s = TestServer.of(DistvaultServer.start(config()))) {
      s.catalogue().present("small-1.0.tar.gz", "devel/small", small);
      s.catalogue().present("big-2.1.tar.xz", "devel/big", big);
      s.catalogue().present("cold-0.9.tar.gz", "devel/cold", cold);

      List<String> keys = s3.keys(BUCKET, PREFIX + "/blobs/sha512/");
      for (byte[] content : List.of(small, big, cold)) {
        String hex = Catalogue.sha512Hex(content);
        String key = PREFIX + "/blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
        assertTrue(keys.contains(key), key + " in " + keys);
      }
      assertFalse(Files.exists(data.resolve("blobs/sha512").resolve(Catalogue.sha512Hex(small).substring(0, 2))),
          "no blob file in the data directory");

      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);
      assertServed(s, "/pkg/devel/small/small-1.0.tar.gz", small);
      assertServed(s, "/distfiles/big-2.1.tar.xz", big);

      // Only in the bucket: the first request fills the tier from it, verified.
      Files.delete(tierFile(cold));
      assertServed(s, "/pkg/devel/cold/cold-0.9.tar.gz", cold);
      assertTrue(Files.isRegularFile(tierFile(cold)), "filled into the tier");
      Files.delete(tierFile(cold));

      long violations = s.server.violations().lastCursor();
      s3.stop();
      // Tier hits send no request: with the S3 server gone they are served, and no error is counted.
      assertServed(s, "/pkg/devel/small/small-1.0.tar.gz", small);
      assertServed(s, "/distfiles/big-2.1.tar.xz", big);
      assertEquals(0, backendGetErrors(s), "tier hits asked the bucket nothing");
      String metrics = s.http().get("/metrics").asString();
      double hits = metric(metrics, "distvault_cache_tier_hits_total");
      double misses = metric(metrics, "distvault_cache_tier_misses_total");
      assertServed(s, "/pkg/devel/small/small-1.0.tar.gz", small);
      metrics = s.http().get("/metrics").asString();
      assertTrue(metric(metrics, "distvault_cache_tier_hits_total") > hits, metrics);
      assertEquals(misses, metric(metrics, "distvault_cache_tier_misses_total"), "a tier hit is no miss");
      assertTrue(misses >= 1, "the cold blob's fill was a miss: " + misses);
      assertEquals(64.0 * (1 << 20), metric(metrics, "distvault_cache_tier_max_bytes"), metrics);
      assertTrue(metric(metrics, "distvault_cache_tier_bytes") >= small.length + big.length, metrics);

      Response down = s.http().get("/pkg/devel/cold/cold-0.9.tar.gz");
      assertEquals(503, down.statusCode(), down.asString());
      String line = down.asString();
      assertEquals("the blob store cannot be read now (get): try again later; the server log says why\n", line);
      assertEquals(1, line.strip().lines().count(), "one line: " + line);
      Response byHash = s.http().get("/by-hash/sha512/" + Catalogue.sha512Hex(cold));
      assertEquals(503, byHash.statusCode(), byHash.asString());
      assertEquals(2, backendGetErrors(s), "distvault_backend_errors_total{op=\"get\"}");
      assertEquals(violations, s.server.violations().lastCursor(), "a backend fault is no violation");
      assertTrue(s.server.vault().blob(Digest.fromHex(DigestAlgorithm.SHA512, Catalogue.sha512Hex(cold)))
          .isPresent(), "and the blob stays recorded");

      s3.restart();
      assertServed(s, "/pkg/devel/cold/cold-0.9.tar.gz", cold);
      assertEquals(violations, s.server.violations().lastCursor());
    }
  }

  @Test
  void aTierCopyChangedOnDiskIsDroppedAndFilledAgainFromTheBucket() throws IOException {
    byte[] big = Catalogue.content(4, 1 << 20);
    try (TestServer s = TestServer.of(DistvaultServer.start(config()))) {
      s.catalogue().present("rot-1.0.tar.gz", "devel/rot", big);
      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);
      BlobIntegrityIT.flipByte(tierFile(big), 4096);
      long violations = s.server.violations().lastCursor();

      assertServed(s, "/pkg/devel/rot/rot-1.0.tar.gz", big);

      assertEquals(violations, s.server.violations().lastCursor(), "a bad tier copy is no violation");
      String hex = Catalogue.sha512Hex(big);
      assertTrue(s3.keys(BUCKET, PREFIX + "/blobs/").stream().anyMatch(k -> k.endsWith(hex)), "the object stays");
      assertEquals(List.of(), s3.keys(BUCKET, PREFIX + "/quarantine/"), "and is not put aside");
      assertArrayEquals(big, Files.readAllBytes(tierFile(big)), "the tier holds the right bytes again");
    }
  }

  @Test
  void aWarmTierFileRemovedBehindTheTiersBackIsFilledAgainAndServed() throws IOException {
    byte[] small = Catalogue.content(5, 9_000);
    try (TestServer s = TestServer.of(DistvaultServer.start(config()))) {
      s.catalogue().present("gone-1.0.tar.gz", "devel/gone", small);
      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);
      // Twice: the second is answered from memory, the way every warm hit is.
      assertServed(s, "/pkg/devel/gone/gone-1.0.tar.gz", small);
      assertServed(s, "/pkg/devel/gone/gone-1.0.tar.gz", small);
      long violations = s.server.violations().lastCursor();
      double misses = metric(s.http().get("/metrics").asString(), "distvault_cache_tier_misses_total");

      Files.delete(tierFile(small));
      assertServed(s, "/pkg/devel/gone/gone-1.0.tar.gz", small);

      assertArrayEquals(small, Files.readAllBytes(tierFile(small)), "filled into the tier again");
      assertEquals(misses + 1, metric(s.http().get("/metrics").asString(), "distvault_cache_tier_misses_total"),
          "one tier miss: the fill");
      assertEquals(violations, s.server.violations().lastCursor(), "a tier file gone is no violation");
      assertTrue(s.server.vault().blob(Digest.fromHex(DigestAlgorithm.SHA512, Catalogue.sha512Hex(small)))
          .isPresent(), "and the blob stays recorded");
    }
  }

  @Test
  void anUploadWhileTheBucketIsDownAnswers503AndRecordsNothing() throws IOException {
    byte[] blob = Catalogue.content(5, 10_000);
    String hex = Catalogue.sha512Hex(blob);
    try (TestServer s = TestServer.of(DistvaultServer.start(config()))) {
      s3.stop();
      try {
        Response r = s.admin().body(blob).put("/api/v1/blobs/sha512/" + hex);
        assertEquals(503, r.statusCode(), r.asString());
        assertTrue(r.asString().contains("the blob store cannot be used now"), r.asString());
        assertTrue(s.server.vault().blob(Digest.fromHex(DigestAlgorithm.SHA512, hex)).isEmpty(), "nothing recorded");
      } finally {
        s3.restart();
      }
      s.admin().body(blob).put("/api/v1/blobs/sha512/" + hex).then().statusCode(201);
      assertTrue(s3.keys(BUCKET, PREFIX + "/blobs/").stream().anyMatch(k -> k.endsWith(hex)));
    }
  }

  /** Filled through the admin API alone, as prefetch fills a set: a manifest, an upload, an outcome. */
  @Test
  void aSetIsFilledThroughTheAdminApi() throws IOException {
    byte[] blob = Catalogue.content(6, 5_000);
    String hex = Catalogue.sha512Hex(blob);
    String entry = "{\"name\":\"api-1.0.tar.gz\",\"pkgpaths\":[\"devel/api\"],\"digests\":{\"SHA512\":\"" + hex + "\"}";
    try (TestServer s = TestServer.of(DistvaultServer.start(config()))) {
      Response manifest = s.admin().contentType("application/x-ndjson")
          .body(Catalogue.utf8(entry + ",\"size\":" + blob.length + ",\"urls\":[]}\n")).post("/api/v1/sets/viaapi/manifest");
      assertEquals(200, manifest.statusCode(), manifest.asString());
      s.admin().body(blob).put("/api/v1/blobs/sha512/" + hex).then().statusCode(201);
      Response outcome = s.admin().contentType("application/x-ndjson")
          .body(Catalogue.utf8(entry + ",\"status\":\"ok\",\"sha512\":\"" + hex + "\"}\n")).post("/api/v1/sets/viaapi/outcomes");
      assertEquals(200, outcome.statusCode(), outcome.asString());
      assertServed(s, "/set/viaapi/pkg/devel/api/api-1.0.tar.gz", blob);
    }
  }
}
