package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.mode.Actor;
import org.distvault.server.mode.Mode;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Seal;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /set/<set>/} routes through the whole server (a real vault, Undertow on loopback, real
 * HTTP): two sets with overlapping distfiles share their blobs; set A is sealed while B fills; a
 * name only B has is a violation naming A through {@code /set/A/} and a hit through {@code
 * /set/B/}; an unknown set is a 404 and a violation; read-through binds in the request's set only;
 * violations are filtered by set. Sets are created and sealed through the storage API here (the
 * admin API for sets is tested on its own).
 */
@Timeout(120)
class SetsServingIT {
  static final ObjectMapper JSON = new ObjectMapper();

  static final byte[] SHARED = Catalogue.content(401, 150_000);
  static final byte[] ONLY_B = Catalogue.content(402, 40_000);
  static final byte[] ONLY_A = Catalogue.content(403, 3_000);
  static final byte[] FETCHED = Catalogue.content(404, 60_000);
  static final byte[] A_FAILED = Catalogue.content(405, 5_000);

  @TempDir static Path data;
  static TestServer s;
  static Upstream upstream;
  static RawUpstream trap;
  static Seal sealOfA;

  @BeforeAll
  static void start() throws IOException {
    upstream = new Upstream().on("/dl/fetched-1.0.tar.gz", Upstream.file(FETCHED));
    trap = new RawUpstream();
    s = TestServer.of(DistvaultServer.start(
        ServerConfig.defaults(data).withPort(0).withMode(Mode.ONLINE).withUpstream(true)));
    Catalogue a = s.catalogue().in("A");
    Catalogue b = s.catalogue().in("B");
    Catalogue c = s.catalogue().in("C");
    a.present("shared-1.0.tar.gz", "devel/shared", SHARED);
    b.present("shared-1.0.tar.gz", "devel/shared", SHARED);
    a.present("only-a-1.0.tar.gz", "devel/onlya", ONLY_A);
    b.present("only-b-1.0.tar.gz", "devel/onlyb", ONLY_B);
    // Catalogued in A with an upstream URL, never fetched: sealed, it must not be fetched.
    a.expect("a-failed-1.0.tar.gz", "devel/afailed", A_FAILED, trap.url("/a-failed-1.0.tar.gz"));
    // B and C both expect this one; only B's requests fetch it.
    b.expect("fetched-1.0.tar.gz", "devel/fetched", FETCHED, upstream.url("/dl/fetched-1.0.tar.gz"));
    c.expect("fetched-1.0.tar.gz", "devel/fetched", FETCHED, upstream.url("/dl/fetched-1.0.tar.gz"));
    sealOfA = a.seal();
  }

  @AfterAll
  static void stop() throws IOException {
    s.close();
    upstream.close();
    trap.close();
  }

  /** Sends a GET that must miss, and returns the one violation it recorded. */
  private static JsonNode violationOf(String path) throws IOException {
    long before = s.server.violations().lastCursor();
    Response r = s.http().get(path);
    assertEquals(404, r.statusCode(), path + ": " + r.asString());
    assertEquals(before + 1, s.server.violations().lastCursor(), "exactly one violation for " + path);
    JsonNode v = JSON.readTree(s.admin().get("/api/v1/violations?since=" + before).asString())
        .path("violations").get(0);
    assertEquals(path, v.path("path").asText());
    assertTrue(r.asString().startsWith(v.path("kind").asText() + ": "), "the 404 line starts with the kind");
    return v;
  }

  @Test
  void theViolationsOfADeletedSetAreKept() throws IOException {
    Catalogue e = s.catalogue().in("E");
    e.present("e-1.0.tar.gz", "devel/e", ONLY_A);
    e.seal();
    JsonNode v = violationOf("/set/E/pkg/devel/e/gone-1.0.tar.gz");
    assertEquals("E", v.path("set").asText());
    Response unseal = s.admin().contentType("application/json").body("{\"state\":\"filling\"}")
        .put("/api/v1/sets/E/state");
    assertEquals(200, unseal.statusCode(), unseal.asString());
    Response delete = s.admin().delete("/api/v1/sets/E");
    assertEquals(200, delete.statusCode(), delete.asString());
    JsonNode listed = JSON.readTree(s.admin().get("/api/v1/violations?set=E").asString()).path("violations");
    assertEquals(1, listed.size(), "the catalog keeps a deleted set's violations: " + listed);
    assertEquals(v.path("cursor").asLong(), listed.get(0).path("cursor").asLong());
  }

  @Test
  void aDistfileTwoSetsBindIsStoredOnce() {
    Vault vault = s.server.vault();
    Digest sha512 = Catalogue.distinfoDigests(SHARED).get(DigestAlgorithm.SHA512).orElseThrow();
    assertEquals(1, vault.blobsByDigest(sha512).size());
    SetName a = SetName.of("A");
    SetName b = SetName.of("B");
    assertEquals(vault.set(a).orElseThrow().locate(DistfileName.of("shared-1.0.tar.gz"), Optional.empty()).blob(),
        vault.set(b).orElseThrow().locate(DistfileName.of("shared-1.0.tar.gz"), Optional.empty()).blob());
    assertArrayEquals(SHARED, s.http().get("/set/A/distfiles/shared-1.0.tar.gz").asByteArray());
    assertArrayEquals(SHARED, s.http().get("/set/B/pkg/devel/shared/shared-1.0.tar.gz").asByteArray());
  }

  @Test
  void aNameOnlyBHasIsAViolationNamingAThroughAAndAHitThroughB() throws IOException {
    JsonNode v = violationOf("/set/A/pkg/devel/onlyb/only-b-1.0.tar.gz");
    assertEquals("A", v.path("set").asText());
    assertEquals("devel/onlyb", v.path("pkgpath").asText());
    assertEquals("unknown", v.path("kind").asText());
    assertEquals("only-b-1.0.tar.gz", v.path("name").asText());

    Response hit = s.http().get("/set/B/pkg/devel/onlyb/only-b-1.0.tar.gz");
    assertEquals(200, hit.statusCode());
    assertArrayEquals(ONLY_B, hit.asByteArray());
    Response head = s.http().head("/set/B/distfiles/only-b-1.0.tar.gz");
    assertEquals(200, head.statusCode());
    assertEquals(Integer.toString(ONLY_B.length), head.header("Content-Length"));
    Response range = s.http().header("Range", "bytes=10-19").get("/set/B/run/r1/pkg/devel/onlyb/only-b-1.0.tar.gz");
    assertEquals(206, range.statusCode());
    assertArrayEquals(Arrays.copyOfRange(ONLY_B, 10, 20), range.asByteArray());
  }

  @Test
  void aHeadMissThroughASealedSetIsAViolationToo() throws IOException {
    long before = s.server.violations().lastCursor();
    assertEquals(404, s.http().head("/set/A/distfiles/only-b-1.0.tar.gz").statusCode());
    JsonNode v = JSON.readTree(s.admin().get("/api/v1/violations?since=" + before).asString())
        .path("violations").get(0);
    assertEquals("HEAD", v.path("method").asText());
    assertEquals("A", v.path("set").asText());
  }

  @Test
  void aSealedSetServesItsOwnBindingsAndNeverConnectsUpstream() throws IOException {
    assertArrayEquals(ONLY_A, s.http().get("/set/A/pkg/devel/onlya/only-a-1.0.tar.gz").asByteArray());
    JsonNode v = violationOf("/set/A/run/bulk-3/pkg/devel/afailed/a-failed-1.0.tar.gz");
    assertEquals("not-prefetched", v.path("kind").asText());
    assertEquals("A", v.path("set").asText());
    assertEquals("bulk-3", v.path("run").asText());
    assertEquals("no prefetch attempt recorded", v.path("reason").asText());
    assertEquals(0, trap.accepted(), "a sealed set never causes an outbound connection");
    assertEquals(sealOfA, s.server.vault().set(SetName.of("A")).orElseThrow().sealed().orElseThrow());
  }

  /** A set frozen for its seal (between the freeze and the seal) is treated as sealed: no download starts. */
  @Test
  void aSetBeingSealedStartsNoDownload() throws IOException {
    s.catalogue().in("D").expect("d-1.0.tar.gz", "devel/d", A_FAILED, trap.url("/d-1.0.tar.gz"));
    s.server.vault().set(SetName.of("D")).orElseThrow().freeze("being sealed by the test");
    JsonNode v = violationOf("/set/D/pkg/devel/d/d-1.0.tar.gz");
    assertEquals("D", v.path("set").asText());
    assertEquals("not-prefetched", v.path("kind").asText());
    assertEquals(0, trap.accepted());
  }

  @Test
  void aNameOfAnotherSetIsNotVisibleThroughTheDefaultRoutes() {
    long before = s.server.violations().lastCursor();
    Response r = s.http().get("/distfiles/only-b-1.0.tar.gz");
    assertEquals(404, r.statusCode());
    assertEquals("unknown: only-b-1.0.tar.gz is in no manifest\n", r.asString());
    assertEquals(before, s.server.violations().lastCursor(), "the default set is filling: no violation");
  }

  @Test
  void anUnknownSetIsA404AndAViolation() throws IOException {
    JsonNode v = violationOf("/set/nosuch/pkg/devel/onlyb/only-b-1.0.tar.gz");
    assertEquals("unknown", v.path("kind").asText());
    assertEquals("no set nosuch", v.path("reason").asText());
    assertEquals("nosuch", v.path("set").asText());
    assertEquals("devel/onlyb", v.path("pkgpath").asText());
    assertEquals("unknown: only-b-1.0.tar.gz: no set nosuch (requested for devel/onlyb)\n",
        s.http().get("/set/nosuch/pkg/devel/onlyb/only-b-1.0.tar.gz").asString());
  }

  @Test
  void badSetSegmentsAre400AndByHashUnderASetIsNoRoute() {
    Response bad = s.http().get("/set/a+b/distfiles/x.tgz");
    assertEquals(400, bad.statusCode());
    assertEquals("bad request path: invalid set name 'a+b': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed\n",
        bad.asString());
    String hex = Catalogue.sha256Hex(SHARED);
    Response byHash = s.http().get("/set/A/by-hash/sha256/" + hex);
    assertEquals(404, byHash.statusCode());
    assertTrue(byHash.asString().startsWith("no such route"), byHash.asString());
    assertEquals(200, s.http().get("/by-hash/sha256/" + hex).statusCode(), "/by-hash/ is global");
  }

  @Test
  void readThroughIntoAFillingSetBindsInThatSetOnly() {
    Response r = s.http().get("/set/B/pkg/devel/fetched/fetched-1.0.tar.gz");
    assertEquals(200, r.statusCode(), r.asString());
    assertArrayEquals(FETCHED, r.asByteArray());
    assertEquals(1, upstream.requests("/dl/fetched-1.0.tar.gz"));
    assertTrue(s.catalogue().in("B").variantFor("fetched-1.0.tar.gz", "devel/fetched").blob().isPresent(),
        "bound in B");
    assertTrue(s.catalogue().in("C").variantFor("fetched-1.0.tar.gz", "devel/fetched").blob().isEmpty(),
        "not bound in C, which expects it too");
    assertTrue(s.server.vault().defaultSet().distfile(DistfileName.of("fetched-1.0.tar.gz")).isEmpty(),
        "unknown to the default set");
    // B serves it from the store now; C, filling and online, reads it through too: from the blob
    // the store holds already, without another download.
    assertArrayEquals(FETCHED, s.http().get("/set/B/distfiles/fetched-1.0.tar.gz").asByteArray());
    assertArrayEquals(FETCHED, s.http().get("/set/C/distfiles/fetched-1.0.tar.gz").asByteArray());
    assertEquals(1, upstream.requests("/dl/fetched-1.0.tar.gz"));
    assertTrue(s.catalogue().in("C").variantFor("fetched-1.0.tar.gz", "devel/fetched").blob().isPresent());
  }

  @Test
  void violationsAndTheReportFilterBySet() throws IOException {
    s.http().get("/set/A/distfiles/filter-a-1.tgz").then().statusCode(404);
    s.http().get("/set/nosuch2/distfiles/filter-n-1.tgz").then().statusCode(404);
    s.http().get("/set/A/distfiles/filter-a-2.tgz").then().statusCode(404);
    List<String> names = new ArrayList<>();
    JSON.readTree(s.admin().get("/api/v1/violations?set=A&limit=10000").asString()).path("violations")
        .forEach(v -> {
          assertEquals("A", v.path("set").asText());
          names.add(v.path("name").asText());
        });
    assertTrue(names.containsAll(List.of("filter-a-1.tgz", "filter-a-2.tgz")), names.toString());
    assertTrue(!names.contains("filter-n-1.tgz"), names.toString());

    JsonNode report = JSON.readTree(s.admin().get("/api/v1/report?set=nosuch2").asString());
    assertEquals("nosuch2", report.path("set").asText());
    assertEquals(1, report.path("violations").asLong());
    assertTrue(s.admin().get("/api/v1/report?set=nosuch2&format=text").asString()
        .startsWith("distvault violations report in set nosuch2: 1 violation, 1 package"));
    assertTrue(JSON.readTree(s.admin().get("/api/v1/report").asString()).path("set").isNull());

    Response bad = s.admin().get("/api/v1/violations?set=a%2Fb");
    assertEquals(400, bad.statusCode());
    assertEquals("query parameter 'set' is not a set name: only A-Z, a-z, 0-9, '.', '_' and '-' are allowed",
        JSON.readTree(bad.asString()).path("error").asText());
    assertEquals(400, s.admin().get("/api/v1/report?set=" + "x".repeat(65)).statusCode());
  }

  /**
   * A filling set while the server is offline: a recorded violation whose reason says so, and no
   * outbound connection; the default set's misses are violations as always, of set "default".
   */
  @Test
  void aMissInAFillingSetWhileOfflineIsARecordedViolation(@TempDir Path other) throws IOException {
    try (RawUpstream raw = new RawUpstream();
        TestServer off = TestServer.of(DistvaultServer.start(
            ServerConfig.defaults(other).withPort(0).withMode(Mode.ONLINE).withUpstream(true)))) {
      off.catalogue().in("F").expect("f-1.0.tar.gz", "devel/f", A_FAILED, raw.url("/f-1.0.tar.gz"));
      off.server.modes().change(Mode.OFFLINE, Actor.local("test"), Optional.of("sets test"));
      Response r = off.http().get("/set/F/pkg/devel/f/f-1.0.tar.gz");
      assertEquals(404, r.statusCode());
      assertEquals("not-prefetched: the server is offline; devel/f f-1.0.tar.gz was not prefetched:"
          + " no prefetch attempt recorded\n", r.asString());
      off.http().get("/set/F/distfiles/nothing-1.tgz").then().statusCode(404);
      off.http().get("/distfiles/nothing-2.tgz").then().statusCode(404);
      JsonNode list = JSON.readTree(off.admin().get("/api/v1/violations").asString()).path("violations");
      assertEquals(3, list.size());
      assertEquals("F", list.get(0).path("set").asText());
      assertEquals("the server is offline; no prefetch attempt recorded", list.get(0).path("reason").asText());
      assertEquals("the server is offline; in no manifest", list.get(1).path("reason").asText());
      assertEquals("default", list.get(2).path("set").asText());
      assertEquals("in no manifest", list.get(2).path("reason").asText());
      assertEquals(0, raw.accepted(), "offline: no outbound connection for any set");
    }
  }
}
