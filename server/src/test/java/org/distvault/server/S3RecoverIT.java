package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.distvault.server.mode.Mode;
import org.distvault.storage.name.SetName;
import org.distvault.storage.vault.RecoveryReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code serve --recover --blob-store s3://...}: a primary whose catalog is lost is rebuilt from the
 * bucket's objects (each re-hashed) and its seal listings, and serves the sealed set with the same
 * seal digest and bytes from an empty cache tier; an object corrupted in the bucket is put aside,
 * not bound, and its name is a miss. And {@code gc} lists the bucket: an object a crash left
 * without a catalog record is garbage, deleted with {@code apply}.
 */
class S3RecoverIT extends OnS3Server {
  private static final String BUCKET = "distvault-recover";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] A = Catalogue.content(31, 150_000);
  private static final byte[] B = Catalogue.content(32, 4_000);

  @TempDir Path data;
  @TempDir Path cacheDir;
  @TempDir Path emptyTier;
  @TempDir Path replicaData;

  @BeforeAll
  static void createBucket() {
    s3.createBucket(BUCKET);
  }

  /** The server on the bucket; the mode is the store's (offline once sealed). */
  private ServerConfig config(String prefix, Path tier) {
    return ServerConfig.defaults(data).withPort(0).withBlobStore(new S3Store(options(BUCKET, prefix), tier, 64L << 20));
  }

  /** Fills and seals (offline) the default set, then deletes the catalog; returns the seal digest. */
  private String fillSealAndLoseTheCatalog(String prefix) throws IOException {
    String digest;
    try (TestServer s = TestServer.of(DistvaultServer.start(config(prefix, cacheDir).withMode(Mode.ONLINE)))) {
      s.catalogue().present("a-1.0.tar.gz", "devel/a", A);
      s.catalogue().present("b-2.0.tar.gz", "devel/b", B);
      Response r = s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode");
      assertEquals(200, r.statusCode(), r.asString());
      digest = JSON.readTree(r.asString()).path("seal").path("digest").asText();
    }
    try (var index = Files.walk(data.resolve("index"))) {
      index.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    return digest;
  }

  private static void assertOffline(TestServer s) throws IOException {
    Response r = s.admin().get("/api/v1/mode");
    assertEquals("offline", JSON.readTree(r.asString()).path("mode").asText(), r.asString());
  }

  private static String sealDigest(TestServer s) throws IOException {
    Response r = s.admin().get("/api/v1/seal");
    assertEquals(200, r.statusCode(), r.asString());
    return JSON.readTree(r.asString()).path("digest").asText();
  }

  @Test
  void aRecoveredPrimaryServesTheSameSealAndBytes() throws IOException {
    String sealed = fillSealAndLoseTheCatalog("clean");

    RecoveryReport report = new S3Store(options(BUCKET, "clean"), emptyTier, 64L << 20).recover(data, Clock.systemUTC());

    assertEquals(2, report.recorded().size(), report.toString());
    assertEquals(List.of(), report.quarantined());
    assertServesTheSeal("clean", sealed);
  }

  @Test
  void aSealListingLostWithTheCatalogIsTakenFromTheSealPublishedInTheBucket() throws IOException {
    String sealed = fillSealAndLoseTheCatalog("listing");
    String hex = sealed.substring("sha256:".length());
    Path kept = data.resolve("seals").resolve(hex + ".tsv");
    assertTrue(Files.exists(kept), kept.toString());
    String lines = Files.readString(kept);
    Files.delete(kept);

    RecoveryReport report = new S3Store(options(BUCKET, "listing"), emptyTier, 64L << 20).recover(data, Clock.systemUTC());

    assertTrue(report.rebuilt().stream().anyMatch(l -> l.contains("is missing; its 2 names were taken from the seal"
        + " published in s3://" + BUCKET + "/listing")), report.rebuilt().toString());
    assertEquals(lines, Files.readString(kept), "kept again, as the seal wrote it");
    assertServesTheSeal("listing", sealed);
  }

  /** A server on the recovered data directory and an empty tier: sealed, offline, both distfiles byte for byte. */
  private void assertServesTheSeal(String prefix, String sealed) throws IOException {
    try (TestServer s = TestServer.of(DistvaultServer.start(config(prefix, emptyTier)))) {
      assertEquals(sealed, sealDigest(s));
      assertOffline(s);
      assertServed(s, "/pkg/devel/a/a-1.0.tar.gz", A);
      assertServed(s, "/distfiles/b-2.0.tar.gz", B);
    }
  }

  @Test
  void gcCountsAndDeletesAnObjectTheCatalogNeverRecorded() throws IOException {
    byte[] orphan = Catalogue.content(33, 70_000);
    String hex = Catalogue.sha512Hex(orphan);
    String key = "orphan/blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
    try (TestServer s = TestServer.of(DistvaultServer.start(config("orphan", cacheDir).withMode(Mode.ONLINE)))) {
      s.catalogue().present("a-1.0.tar.gz", "devel/a", A);
      // What a crash between an upload and its catalog record leaves.
      s3.client().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(orphan));

      JsonNode dry = gc(s, false);
      assertEquals(1, dry.path("garbage").path("count").asLong(), dry.toString());
      assertEquals(orphan.length, dry.path("garbage").path("bytes").asLong());
      assertEquals(hex, dry.path("largest").path(0).path("sha512").asText());
      assertTrue(s3.keys(BUCKET, "orphan/blobs/").contains(key), "a dry run deletes nothing");

      JsonNode applied = gc(s, true);
      assertEquals(1, applied.path("freed").path("count").asLong(), applied.toString());
      assertFalse(s3.keys(BUCKET, "orphan/blobs/").contains(key), "deleted from the bucket");
      assertEquals(1, s3.keys(BUCKET, "orphan/blobs/").size(), "the bound blob stays");
      assertServed(s, "/pkg/devel/a/a-1.0.tar.gz", A);
    }
  }

  @Test
  void aReplicasGcCountsNoneOfThePrimarysObjectsAsGarbage() throws IOException {
    try (TestServer s = TestServer.of(DistvaultServer.start(config("shared", cacheDir).withMode(Mode.ONLINE)))) {
      s.catalogue().present("a-1.0.tar.gz", "devel/a", A);
      s.catalogue().in("other").present("b-2.0.tar.gz", "devel/b", B); // in the bucket, not in the seal
      assertEquals(200, s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").statusCode());
    }
    ServerConfig replica = ServerConfig.defaults(replicaData).withPort(0)
        .withBlobStore(new S3Store(options(BUCKET, "shared"), emptyTier, 64L << 20))
        .withReplicaOf(new ReplicaOf(SetName.DEFAULT, Duration.ofSeconds(1)));
    try (TestServer r = TestServer.of(DistvaultServer.start(replica))) {
      assertServed(r, "/pkg/devel/a/a-1.0.tar.gz", A);
      JsonNode dry = gc(r, false);
      assertEquals(0, dry.path("garbage").path("count").asLong(), dry.toString());
    }
    assertEquals(2, s3.keys(BUCKET, "shared/blobs/").size());
    assertEquals(List.of(), Files.list(emptyTier).filter(p -> p.toString().contains(Catalogue.sha512Hex(B))).toList(),
        "the replica fetched nothing to count");
  }

  private static JsonNode gc(TestServer s, boolean apply) throws IOException {
    Response r = s.admin().body("{\"keepSeals\":0,\"apply\":" + apply + "}").post("/api/v1/gc");
    assertEquals(200, r.statusCode(), r.asString());
    return JSON.readTree(r.asString());
  }

  @Test
  void anObjectCorruptedInTheBucketIsNotBoundAndNotServed() throws IOException {
    String sealed = fillSealAndLoseTheCatalog("corrupt");
    String hex = Catalogue.sha512Hex(B);
    String key = "corrupt/blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
    byte[] wrong = B.clone();
    wrong[100] ^= 1;
    s3.client().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(wrong));

    RecoveryReport report = new S3Store(options(BUCKET, "corrupt"), cacheDir, 64L << 20).recover(data, Clock.systemUTC());

    assertEquals(1, report.recorded().size(), report.toString());
    assertEquals(1, report.quarantined().size(), report.toString());
    assertTrue(report.rebuilt().stream().anyMatch(l -> l.contains("1 of 2 sealed names bound again")),
        report.rebuilt().toString());
    assertFalse(s3.keys(BUCKET, "corrupt/blobs/").contains(key), "put aside");
    try (TestServer s = TestServer.of(DistvaultServer.start(config("corrupt", cacheDir)))) {
      String now = sealDigest(s);
      assertOffline(s);
      assertNotEquals(sealed, now, "sealed with what could be bound");
      assertTrue(s3.keys(BUCKET, "corrupt/sets/default/seals/").contains(
          "corrupt/sets/default/seals/" + now.substring("sha256:".length()) + ".jsonl.gz"), "and published at start");
      assertServed(s, "/pkg/devel/a/a-1.0.tar.gz", A);
      Response miss = s.http().get("/pkg/devel/b/b-2.0.tar.gz");
      assertEquals(404, miss.statusCode(), miss.asString());
    }
  }
}
