package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.ViolationLog;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A primary whose blobs live in a real S3 server (s3proxy) seals set {@code 2026Q4}; replicas with
 * empty data directories serve that seal from the same bucket, byte for byte and with the same
 * digest, record their own violations, refuse uploads, and follow a new seal within a poll.
 */
class ReplicaIT extends OnS3Server {
  private static final String BUCKET = "distvault-replica";
  private static final String PREFIX = "cache";
  private static final String SET = "2026Q4";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  private ServerConfig primary() {
    return ServerConfig.defaults(dir.resolve("primary")).withPort(0).withMode(Mode.ONLINE)
        .withBlobStore(new S3Store(options(BUCKET, PREFIX), dir.resolve("primary-cache"), 64L << 20));
  }

  private ServerConfig replica(String name, String set) {
    return ServerConfig.defaults(dir.resolve(name)).withPort(0)
        .withBlobStore(new S3Store(options(BUCKET, PREFIX), dir.resolve(name + "-cache"), 64L << 20))
        .withReplicaOf(new ReplicaOf(SetName.of(set), Duration.ofSeconds(1)));
  }

  private static String sealDigest(TestServer s) throws IOException {
    return sealDigest(s, SET);
  }

  private static String sealDigest(TestServer s, String name) throws IOException {
    Response r = s.admin().get("/api/v1/sets/" + name);
    assertEquals(200, r.statusCode(), r.asString());
    JsonNode set = JSON.readTree(r.asString());
    assertEquals(name, set.path("name").asText(), set.toString());
    assertEquals("sealed", set.path("state").asText(), set.toString());
    return set.path("seal").path("digest").asText();
  }

  private static String changeState(TestServer s, String state) throws IOException {
    return changeState(s, state, SET);
  }

  private static String changeState(TestServer s, String state, String set) throws IOException {
    Response r = s.admin().body("{\"state\":\"" + state + "\"}").put("/api/v1/sets/" + set + "/state");
    assertEquals(200, r.statusCode(), r.asString());
    return JSON.readTree(r.asString()).path("seal").path("digest").asText();
  }

  private static void assertServes(TestServer s, Map<String, byte[]> files) {
    files.forEach((path, content) -> {
      Response r = s.http().get("/set/" + SET + path);
      assertEquals(200, r.statusCode(), path + ": " + r.asString());
      assertArrayEquals(content, r.asByteArray(), path);
    });
  }

  /** Waits, bounded, until {@code s} reports {@code digest} for the set. */
  private static void awaitSeal(TestServer s, String digest) throws IOException, InterruptedException {
    awaitSeal(s, SET, digest);
  }

  private static void awaitSeal(TestServer s, String name, String digest) throws IOException, InterruptedException {
    Instant until = Instant.now().plus(WAIT);
    while (!sealDigest(s, name).equals(digest)) {
      assertTrue(Instant.now().isBefore(until), "no switch to " + digest + " within " + WAIT);
      Thread.sleep(100);
    }
  }

  @Test
  void replicasServeThePublishedSealAndFollowTheNextOne() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("/pkg/devel/a/a-1.0.tar.gz", Catalogue.content(11, 1000));
    files.put("/pkg/devel/b/b-2.0.tar.xz", Catalogue.content(12, (1 << 20) + 3));
    files.put("/distfiles/c-3.0.tgz", Catalogue.content(13, 70_000));
    try (TestServer p = TestServer.of(DistvaultServer.start(primary()))) {
      Catalogue set = p.catalogue().in(SET);
      set.present("a-1.0.tar.gz", "devel/a", files.get("/pkg/devel/a/a-1.0.tar.gz"));
      set.present("b-2.0.tar.xz", "devel/b", files.get("/pkg/devel/b/b-2.0.tar.xz"));
      set.present("c-3.0.tgz", "devel/c", files.get("/distfiles/c-3.0.tgz"));
      set.failed("gone-1.0.tar.gz", "net/gone", Catalogue.content(14, 10), "https://gone.invalid/gone-1.0.tar.gz",
          "HTTP 404 from gone.invalid");
      String first = changeState(p, "sealed");
      String hex = first.substring("sha256:".length());
      List<String> keys = s3.keys(BUCKET, PREFIX + "/sets/");
      assertTrue(keys.contains(PREFIX + "/sets/" + SET + "/seals/" + hex + ".jsonl.gz"), keys.toString());
      assertTrue(keys.contains(PREFIX + "/sets/" + SET + "/current"), keys.toString());

      TestServer a = TestServer.of(DistvaultServer.start(replica("replica-a", SET)));
      try (TestServer b = TestServer.of(DistvaultServer.start(replica("replica-b", SET)))) {
        for (TestServer r : List.of(a, b)) {
          assertServes(r, files);
          assertEquals(first, sealDigest(r));
        }

        // A miss on a replica is a violation in that replica's own log, naming the set and the package.
        Response miss = b.http().get("/set/" + SET + "/pkg/net/gone/gone-1.0.tar.gz");
        assertEquals(404, miss.statusCode(), miss.asString());
        String lines = Files.readString(ViolationLog.in(dir.resolve("replica-b")).file(), StandardCharsets.UTF_8);
        JsonNode v = JSON.readTree(lines.strip().lines().reduce((x, y) -> y).orElseThrow());
        assertEquals(SET, v.path("set").asText(), v.toString());
        assertEquals("net/gone", v.path("pkgpath").asText(), v.toString());
        assertTrue(v.path("reason").asText().contains("HTTP 404 from gone.invalid"), v.toString());
        assertFalse(Files.exists(ViolationLog.in(dir.resolve("replica-a")).file())
            && Files.readString(ViolationLog.in(dir.resolve("replica-a")).file()).contains("gone-1.0"),
            "replica a saw no such request");

        // A replica accepts no uploads, changes no set and does not go online.
        byte[] extra = Catalogue.content(15, 500);
        Response upload = b.admin().body(extra).contentType("application/octet-stream")
            .put("/api/v1/blobs/sha512/" + Catalogue.sha512Hex(extra));
        assertEquals(409, upload.statusCode(), upload.asString());
        assertTrue(upload.asString().contains("replica"), upload.asString());
        Response manifest = b.admin().body("\n".getBytes(StandardCharsets.UTF_8)).contentType("application/x-ndjson")
            .post("/api/v1/sets/" + SET + "/manifest");
        assertEquals(409, manifest.statusCode(), manifest.asString());
        assertEquals(409, b.admin().body("{\"state\":\"filling\"}").put("/api/v1/sets/" + SET + "/state").statusCode());
        assertEquals(409, b.admin().body("{\"mode\":\"online\"}").put("/api/v1/mode").statusCode());
        Response scrub = b.admin().post("/api/v1/scrub");
        assertEquals(409, scrub.statusCode(), scrub.asString());
        assertTrue(scrub.asString().contains("the bucket is the primary's"), scrub.asString());

        // One replica stops; the other still serves.
        a.close();
        assertServes(b, files);

        // It comes back on its data directory, then the primary seals again with one more distfile.
        a = TestServer.of(DistvaultServer.start(replica("replica-a", SET)));
        assertEquals(first, sealDigest(a));
        changeState(p, "filling");
        byte[] d = Catalogue.content(16, 40_000);
        set.present("d-4.0.tar.gz", "devel/d", d);
        // Meanwhile a reader asks b: the set is always sealed with one of the two seals, and the
        // files of both seals are always served.
        Map<String, byte[]> before = Map.copyOf(files);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread reader = new Thread(() -> {
          while (reading.get()) {
            try {
              seen.add(sealDigest(b));
              assertServes(b, before);
            } catch (IOException | AssertionError e) {
              seen.add("failed: " + e);
            }
          }
        });
        reader.start();
        String second;
        try {
          second = changeState(p, "sealed");
          assertFalse(first.equals(second));
          files.put("/pkg/devel/d/d-4.0.tar.gz", d);
          for (TestServer r : List.of(a, b)) {
            awaitSeal(r, second);
            assertServes(r, files);
          }
        } finally {
          reading.set(false);
          reader.join();
        }
        assertTrue(seen.stream().allMatch(x -> x.equals(first) || x.equals(second)), seen.toString());
        assertTrue(seen.contains(second), "the reader saw the switch");
      } finally {
        a.close();
      }
    }
  }

  /** {@code PUT /api/v1/mode}; returns the seal digest of the answer (empty online). */
  private static String mode(TestServer s, String mode) throws IOException {
    Response r = s.admin().body("{\"mode\":\"" + mode + "\"}").put("/api/v1/mode");
    assertEquals(200, r.statusCode(), r.asString());
    return JSON.readTree(r.asString()).path("seal").path("digest").asText();
  }

  @Test
  void theDefaultSetSealedByModeOfflineIsPublishedAndAReplicaFollowsIt() throws Exception {
    byte[] a = Catalogue.content(31, 2000);
    byte[] b = Catalogue.content(32, 3000);
    try (TestServer p = TestServer.of(DistvaultServer.start(primary()))) {
      Catalogue set = p.catalogue();
      set.present("da-1.0.tar.gz", "devel/da", a);
      set.failed("dgone-1.0.tar.gz", "net/dgone", Catalogue.content(33, 10), "https://gone.invalid/dgone-1.0.tar.gz",
          "HTTP 404 from gone.invalid");
      String first = mode(p, "offline");
      assertTrue(first.startsWith("sha256:"), first);
      JsonNode pointer = JSON.readTree(s3.client().getObjectAsBytes(r -> r.bucket(BUCKET)
          .key(PREFIX + "/sets/default/current")).asByteArray());
      assertEquals(first, pointer.path("digest").asText(), "mode offline published the default set's seal");

      String second;
      try (TestServer r = TestServer.of(DistvaultServer.start(replica("replica-default", "default")))) {
        assertEquals(first, sealDigest(r, "default"));
        // distvault mode and GET /api/v1/seal name the seal served, not the replica's own empty one.
        assertEquals(first, JSON.readTree(r.admin().get("/api/v1/mode").asString()).path("seal").path("digest").asText());
        assertEquals(first, JSON.readTree(r.admin().get("/api/v1/seal").asString()).path("digest").asText());
        for (String path : List.of("/pkg/devel/da/da-1.0.tar.gz", "/distfiles/da-1.0.tar.gz",
            "/set/default/pkg/devel/da/da-1.0.tar.gz")) {
          Response hit = r.http().get(path);
          assertEquals(200, hit.statusCode(), path + ": " + hit.asString());
          assertArrayEquals(a, hit.asByteArray(), path);
        }
        Response miss = r.http().get("/pkg/net/dgone/dgone-1.0.tar.gz");
        assertEquals(404, miss.statusCode(), miss.asString());
        String lines = Files.readString(ViolationLog.in(dir.resolve("replica-default")).file(), StandardCharsets.UTF_8);
        JsonNode v = JSON.readTree(lines.strip().lines().reduce((x, y) -> y).orElseThrow());
        assertEquals("default", v.path("set").asText(), v.toString());
        assertEquals("net/dgone", v.path("pkgpath").asText(), v.toString());
        assertTrue(v.path("reason").asText().contains("HTTP 404 from gone.invalid"), v.toString());
        Response sets = r.admin().get("/api/v1/sets");
        assertEquals(1, JSON.readTree(sets.asString()).findValues("name").stream()
            .filter(n -> n.asText().equals("default")).count(), "one set default: " + sets.asString());

        // Online, one more distfile, offline again: the replica follows the new seal.
        mode(p, "online");
        set.present("db-2.0.tar.gz", "devel/db", b);
        second = mode(p, "offline");
        assertFalse(first.equals(second));
        awaitSeal(r, "default", second);
        assertEquals(second, JSON.readTree(r.admin().get("/api/v1/seal").asString()).path("digest").asText());
        Response next = r.http().get("/pkg/devel/db/db-2.0.tar.gz");
        assertEquals(200, next.statusCode(), next.asString());
        assertArrayEquals(b, next.asByteArray());
      }

      // Going offline while the bucket is down fails closed: 503, still online, the pointer unchanged.
      mode(p, "online");
      s3.stop();
      try {
        Response down = p.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode");
        assertEquals(503, down.statusCode(), down.asString());
        assertTrue(down.asString().contains("blob store"), down.asString());
        assertEquals("online", JSON.readTree(p.admin().get("/api/v1/mode").asString()).path("mode").asText());
      } finally {
        s3.restart();
      }
      assertEquals(second, JSON.readTree(s3.client().getObjectAsBytes(r -> r.bucket(BUCKET)
          .key(PREFIX + "/sets/default/current")).asByteArray()).path("digest").asText(),
          "the pointer still names the last seal made");
    }
  }

  @Test
  void aPointerWhoseListingGivesAnotherDigestIsNotServed() throws IOException {
    try (TestServer p = TestServer.of(DistvaultServer.start(primary()))) {
      p.catalogue().in("bad").present("x-1.0.tar.gz", "devel/x", Catalogue.content(21, 100));
      String digest = changeState(p, "sealed", "bad");
      String real = PREFIX + "/sets/bad/seals/" + digest.substring("sha256:".length()) + ".jsonl.gz";
      String forged = "{\"digest\":\"sha256:" + "0".repeat(64) + "\",\"entries\":1,\"sealedAt\":\""
          + Instant.now() + "\",\"key\":\"" + real + "\"}";
      s3.client().putObject(r -> r.bucket(BUCKET).key(PREFIX + "/sets/bad/current"), RequestBody.fromString(forged));
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DistvaultServer.start(replica("replica-c", "bad")).close());
    assertTrue(e.getMessage().contains("not served"), e.getMessage());
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> DistvaultServer.start(replica("replica-d", "never-sealed")).close());
    assertTrue(none.getMessage().contains("no seal of set never-sealed"), none.getMessage());
  }

  /**
   * A replica exports when it was last in step with the published pointer and how often it polls; a
   * poll that fails counts {@code op="seal-poll"} and leaves that time behind, until a poll succeeds.
   */
  @Test
  void aReplicaThatCannotFollowItsPrimaryShowsItInItsMetrics() throws Exception {
    String current = PREFIX + "/sets/watched/current";
    try (TestServer p = TestServer.of(DistvaultServer.start(primary()))) {
      p.catalogue().in("watched").present("w-1.0.tar.gz", "devel/w", Catalogue.content(31, 100));
      changeState(p, "sealed", "watched");
    }
    byte[] pointer = s3.client().getObjectAsBytes(r -> r.bucket(BUCKET).key(current)).asByteArray();
    long started = Instant.now().getEpochSecond();
    try (TestServer r = TestServer.of(DistvaultServer.start(replica("replica-w", "watched")))) {
      String scrape = r.http().get("/metrics").asString();
      assertEquals(1.0, metric(scrape, "distvault_replica_poll_interval_seconds"), scrape);
      assertTrue(metric(scrape, "distvault_replica_last_poll_success_timestamp_seconds") >= started, scrape);
      assertEquals(0.0, sealPollErrors(scrape), scrape);

      // A pointer whose listing gives another digest: every poll fails and the time stays.
      String forged = ((ObjectNode) JSON.readTree(pointer)).put("digest", "sha256:" + "0".repeat(64)).toString();
      s3.client().putObject(b -> b.bucket(BUCKET).key(current), RequestBody.fromString(forged));
      scrape = awaitScrape(r, x -> sealPollErrors(x) >= 1);
      double stuck = metric(scrape, "distvault_replica_last_poll_success_timestamp_seconds");
      scrape = awaitScrape(r, x -> sealPollErrors(x) >= 3);
      assertEquals(stuck, metric(scrape, "distvault_replica_last_poll_success_timestamp_seconds"), scrape);

      // The real pointer back: the next poll is in step again.
      s3.client().putObject(b -> b.bucket(BUCKET).key(current), RequestBody.fromBytes(pointer));
      awaitScrape(r, x -> metric(x, "distvault_replica_last_poll_success_timestamp_seconds") > stuck);
    }
  }

  private static double sealPollErrors(String scrape) {
    return backendErrors(scrape, "seal-poll");
  }

  /** Scrapes {@code s} every 200 ms until {@code done} holds; fails after WAIT. */
  private static String awaitScrape(TestServer s, Predicate<String> done) throws InterruptedException {
    Instant until = Instant.now().plus(WAIT);
    while (true) {
      String scrape = s.http().get("/metrics").asString();
      if (done.test(scrape)) {
        return scrape;
      }
      assertTrue(Instant.now().isBefore(until), "waited " + WAIT + "; last scrape: " + scrape);
      Thread.sleep(200);
    }
  }
}
