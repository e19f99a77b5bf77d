package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.distvault.server.mode.Mode;
import org.distvault.storage.s3.S3Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealing a set on a server whose blobs live in a real S3 server publishes the seal: its listing
 * under {@code sets/<set>/seals/<hex>.jsonl.gz}, then the pointer {@code sets/<set>/current}; and
 * a seal that cannot be published is not made (503, the set stays filling, the pointer unchanged);
 * a seal in force that the bucket lacks is published at the next start, or counted when it cannot be.
 */
class SealPublishIT extends OnS3Server {
  static final String BUCKET = "distvault-seals";
  static final String PREFIX = "cache";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path cacheDir;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  /** The object's bytes. */
  static byte[] object(S3Server server, String key) {
    return server.client().getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
  }

  static JsonNode seal(TestServer s, String set, String state, int status) throws IOException {
    Response r = s.admin().body("{\"state\":\"" + state + "\"}").put("/api/v1/sets/" + set + "/state");
    assertEquals(status, r.statusCode(), r.asString());
    return JSON.readTree(r.asString());
  }

  @Test
  void sealingPublishesTheListingThenThePointer() throws IOException {
    ServerConfig config = ServerConfig.defaults(data).withPort(0).withMode(Mode.ONLINE)
        .withBlobStore(new S3Store(options(BUCKET, PREFIX), cacheDir, 64L << 20));
    try (TestServer s = TestServer.of(DistvaultServer.start(config))) {
      Catalogue set = s.catalogue().in("2026Q4");
      set.present("a-1.0.tar.gz", "devel/a", Catalogue.content(1, 1000));
      set.present("b-2.0.tar.gz", "devel/b", Catalogue.content(2, 5000));
      set.failed("gone-1.0.tar.gz", "net/gone", Catalogue.content(3, 10), "https://gone.invalid/gone-1.0.tar.gz",
          "HTTP 404 from gone.invalid");

      String digest = seal(s, "2026Q4", "sealed", 200).path("seal").path("digest").asText();

      String hex = digest.substring("sha256:".length());
      String listingKey = PREFIX + "/sets/2026Q4/seals/" + hex + ".jsonl.gz";
      assertTrue(s3.keys(BUCKET, PREFIX + "/sets/").contains(listingKey), s3.keys(BUCKET, PREFIX + "/sets/").toString());
      JsonNode pointer = JSON.readTree(object(s3, PREFIX + "/sets/2026Q4/current"));
      assertEquals(digest, pointer.path("digest").asText());
      assertEquals(2, pointer.path("entries").asLong());
      assertEquals(listingKey, pointer.path("key").asText());

      List<String> lines = new String(new GZIPInputStream(new ByteArrayInputStream(object(s3, listingKey)))
          .readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertEquals(3, lines.size(), lines.toString());
      JsonNode gone = JSON.readTree(lines.stream().filter(l -> l.contains("gone-1.0")).findFirst().orElseThrow());
      assertEquals("HTTP 404 from gone.invalid", gone.path("outcome").path("reason").asText());
      assertEquals("net/gone", gone.path("pkgpaths").get(0).asText());
      assertFalse(gone.has("blob"), "not bound");
      JsonNode a = JSON.readTree(lines.stream().filter(l -> l.contains("a-1.0")).findFirst().orElseThrow());
      assertEquals(Catalogue.sha512Hex(Catalogue.content(1, 1000)), a.path("blob").path("sha512").asText());
      assertEquals(1000, a.path("blob").path("size").asLong());

      // The bucket is gone while the next seal is made: fail closed.
      seal(s, "2026Q4", "filling", 200);
      set.present("c-3.0.tar.gz", "devel/c", Catalogue.content(4, 3000));
      s3.stop();
      try {
        seal(s, "2026Q4", "sealed", 503);
        JsonNode now = JSON.readTree(s.admin().get("/api/v1/sets/2026Q4").asString());
        assertEquals("filling", now.path("state").asText(), now.toString());
      } finally {
        s3.restart();
      }
      assertEquals(digest, JSON.readTree(object(s3, PREFIX + "/sets/2026Q4/current")).path("digest").asText(),
          "the pointer still names the seal in force before");

      String next = seal(s, "2026Q4", "sealed", 200).path("seal").path("digest").asText();
      assertEquals(next, JSON.readTree(object(s3, PREFIX + "/sets/2026Q4/current")).path("digest").asText());
      assertTrue(s3.keys(BUCKET, PREFIX + "/sets/2026Q4/seals/").contains(listingKey), "the old seal stays");
    }
  }

  /** Deletes every object of the set's published seals, as if they had never been published. */
  private static void unpublish(String prefix, String set) {
    try (var client = s3.client()) {
      for (String key : s3.keys(BUCKET, prefix + "/sets/" + set + "/")) {
        client.deleteObject(r -> r.bucket(BUCKET).key(key));
      }
    }
  }

  @Test
  void aSealInForceThatTheBucketLacksIsPublishedAtStart() throws IOException {
    ServerConfig config = ServerConfig.defaults(data).withPort(0)
        .withBlobStore(new S3Store(options(BUCKET, "start"), cacheDir, 64L << 20));
    String named;
    String offline;
    try (TestServer s = TestServer.of(DistvaultServer.start(config))) {
      s.catalogue().in("2027Q1").present("e-1.0.tar.gz", "devel/e", Catalogue.content(5, 2000));
      s.catalogue().present("f-1.0.tar.gz", "devel/f", Catalogue.content(6, 3000));
      named = seal(s, "2027Q1", "sealed", 200).path("seal").path("digest").asText();
      Response r = s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode");
      assertEquals(200, r.statusCode(), r.asString());
      offline = JSON.readTree(r.asString()).path("seal").path("digest").asText();
    }
    unpublish("start", "2027Q1");
    unpublish("start", "default");

    // The bucket is down at start: the server starts all the same and counts the failures.
    s3.stop();
    try (TestServer s = TestServer.of(DistvaultServer.start(config))) {
      String metrics = s.http().get("/metrics").asString();
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("distvault_backend_errors_total{op=\"seal-publish\"")
          && l.endsWith(" 2.0")), "one failure for each of the two sets: " + metrics);
      assertEquals("offline", JSON.readTree(s.admin().get("/api/v1/mode").asString()).path("mode").asText());
    } finally {
      s3.restart();
    }
    assertEquals(List.of(), s3.keys(BUCKET, "start/sets/"));

    try (TestServer s = TestServer.of(DistvaultServer.start(config))) {
      assertEquals(named, JSON.readTree(object(s3, "start/sets/2027Q1/current")).path("digest").asText());
      assertEquals(offline, JSON.readTree(object(s3, "start/sets/default/current")).path("digest").asText());
      assertTrue(s3.keys(BUCKET, "start/sets/default/seals/").contains(
          "start/sets/default/seals/" + offline.substring("sha256:".length()) + ".jsonl.gz"));
    }
  }
}
