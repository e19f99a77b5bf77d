package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline misses against a real server and vault: each one is exactly one durable violation with
 * the right kind, packages, run, client, User-Agent and method, the 404 body says why in one
 * line, the JSON-lines file holds the same entries, and no connection ever goes upstream.
 */
class OfflineViolationsIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String UA = "NetBSD-ftp/20230930";

  @TempDir static Path data;
  static TestServer s;
  static RawUpstream upstream;

  @BeforeAll
  static void start() throws IOException {
    upstream = new RawUpstream();
    s = TestServer.start(data, Mode.OFFLINE);
    Catalogue c = s.catalogue();
    c.present("zlib-1.3.1.tar.gz", "devel/zlib", Catalogue.content(10, 1000));
    c.failed("cmake-3.27.9.tar.gz", "devel/cmake", Catalogue.content(11, 500),
        upstream.url("/files/v3.27/cmake-3.27.9.tar.gz"),
        "HTTP 404 from " + upstream.url("/files/v3.27/cmake-3.27.9.tar.gz"));
    c.expect("never-1.0.tar.gz", "misc/never", Catalogue.content(12, 300), upstream.url("/never-1.0.tar.gz"));
    c.expect("shared-2.0.tar.gz", "devel/a", Catalogue.content(13, 300), upstream.url("/shared-2.0.tar.gz"));
    c.expect("shared-2.0.tar.gz", "devel/b", Catalogue.content(13, 300), upstream.url("/shared-2.0.tar.gz"));
    c.expect("v2.1.0.tar.gz", "wip/pheanstalk", Catalogue.content(14, 300), upstream.url("/a/v2.1.0.tar.gz"));
    c.expect("v2.1.0.tar.gz", "wip/boron", Catalogue.content(15, 300), upstream.url("/b/v2.1.0.tar.gz"));
  }

  @AfterAll
  static void stop() throws IOException {
    s.close();
    upstream.close();
  }

  /** Sends a miss and returns the one violation it recorded (asserting it is exactly one). */
  private static JsonNode missOnce(String method, String path, String expectedBody) throws IOException {
    long before = s.server.violations().lastCursor();
    Response r = s.http().header("User-Agent", UA).request(method, path);
    assertEquals(404, r.statusCode(), path);
    if (method.equals("GET")) {
      assertEquals(expectedBody + "\n", r.asString());
    }
    assertEquals(before + 1, s.server.violations().lastCursor(), "exactly one violation for " + path);
    JsonNode list = JSON.readTree(s.admin().get("/api/v1/violations?since=" + before).asString());
    assertEquals(1, list.path("violations").size());
    assertEquals(before + 1, list.path("next").asLong());
    JsonNode v = list.path("violations").get(0);
    assertEquals(before + 1, v.path("cursor").asLong());
    assertEquals(path, v.path("path").asText());
    assertEquals("127.0.0.1", v.path("client").asText());
    assertEquals(UA, v.path("userAgent").asText());
    assertEquals(method, v.path("method").asText());
    assertFalse(v.path("time").asText().isEmpty());
    return v;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void notPrefetchedCarriesThePrefetchFailureReason() throws IOException {
    String url = upstream.url("/files/v3.27/cmake-3.27.9.tar.gz");
    JsonNode v = missOnce("GET", "/pkg/devel/cmake/cmake-3.27.9.tar.gz",
        "not-prefetched: devel/cmake cmake-3.27.9.tar.gz was not prefetched: HTTP 404 from " + url);
    assertEquals("not-prefetched", v.path("kind").asText());
    assertEquals("cmake-3.27.9.tar.gz", v.path("name").asText());
    assertEquals("devel/cmake", v.path("pkgpath").asText());
    assertEquals(List.of("devel/cmake"), texts(v.path("pkgpaths")));
    assertEquals("HTTP 404 from " + url, v.path("reason").asText());
    assertTrue(v.path("run").isNull());
  }

  @Test
  void distfilesRouteTakesThePackagesFromTheManifests() throws IOException {
    JsonNode v = missOnce("GET", "/distfiles/shared-2.0.tar.gz",
        "not-prefetched: devel/a,devel/b shared-2.0.tar.gz was not prefetched: no prefetch attempt recorded");
    assertTrue(v.path("pkgpath").isNull());
    assertEquals(List.of("devel/a", "devel/b"), texts(v.path("pkgpaths")));
  }

  @Test
  void neverAttemptedIsNotPrefetched() throws IOException {
    JsonNode v = missOnce("GET", "/pkg/misc/never/never-1.0.tar.gz",
        "not-prefetched: misc/never never-1.0.tar.gz was not prefetched: no prefetch attempt recorded");
    assertEquals("not-prefetched", v.path("kind").asText());
  }

  @Test
  void unknownNameOnTheDistfilesRouteHasNoPackage() throws IOException {
    JsonNode v = missOnce("GET", "/distfiles/foo-1.0.tar.gz", "unknown: foo-1.0.tar.gz is in no manifest");
    assertEquals("unknown", v.path("kind").asText());
    assertTrue(v.path("pkgpath").isNull());
    assertEquals(List.of(), texts(v.path("pkgpaths")));
    assertEquals("in no manifest", v.path("reason").asText());
  }

  @Test
  void unknownNameOnThePkgRouteIsBlamedOnThatPackage() throws IOException {
    JsonNode v = missOnce("GET", "/pkg/www/foo/foo-2.0.tar.gz",
        "unknown: foo-2.0.tar.gz is in no manifest (requested for www/foo)");
    assertEquals("www/foo", v.path("pkgpath").asText());
  }

  @Test
  void runIdComesFromTheRunRoute() throws IOException {
    JsonNode v = missOnce("GET", "/run/2026Q4-amd64/pkg/www/bar/bar-1.tar.gz",
        "unknown: bar-1.tar.gz is in no manifest (requested for www/bar)");
    assertEquals("2026Q4-amd64", v.path("run").asText());
  }

  @Test
  void severalVariantsWithoutPkgpathAreAmbiguous() throws IOException {
    JsonNode v = missOnce("GET", "/distfiles/v2.1.0.tar.gz",
        "ambiguous: v2.1.0.tar.gz has 2 variants with different content (expected by wip/boron, wip/pheanstalk):"
            + " request it as /pkg/<PKGPATH>/v2.1.0.tar.gz");
    assertEquals("ambiguous", v.path("kind").asText());
    assertEquals(List.of("wip/boron", "wip/pheanstalk"), texts(v.path("pkgpaths")));
  }

  @Test
  void headMissIsAViolationToo() throws IOException {
    JsonNode v = missOnce("HEAD", "/pkg/devel/cmake/cmake-3.27.9.tar.gz", null);
    assertEquals("HEAD", v.path("method").asText());
  }

  @Test
  void byHashMissIsAnUnknownViolation() throws IOException {
    String hex = "ab".repeat(32);
    JsonNode v = missOnce("GET", "/by-hash/sha256/" + hex,
        "unknown: by-hash/sha256/" + hex + ": no stored blob has this sha256 digest");
    assertEquals("by-hash/sha256/" + hex, v.path("name").asText());
  }

  @Test
  void hitIsNoViolation() {
    long before = s.server.violations().lastCursor();
    s.http().get("/pkg/devel/zlib/zlib-1.3.1.tar.gz").then().statusCode(200);
    assertEquals(before, s.server.violations().lastCursor());
  }

  @Test
  void jsonLinesFileHoldsTheSameEntriesAsTheApi() throws IOException {
    s.http().get("/distfiles/jsonl-check-1.tar.gz").then().statusCode(404);
    s.http().get("/pkg/devel/cmake/cmake-3.27.9.tar.gz").then().statusCode(404);
    JsonNode api = JSON.readTree(s.admin().get("/api/v1/violations?limit=10000").asString()).path("violations");
    Map<Long, JsonNode> fromFile = new TreeMap<>();
    for (String line : Files.readAllLines(data.resolve("log/violations.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode n = JSON.readTree(line);
      assertEquals(null, fromFile.put(n.path("cursor").asLong(), n), "cursor twice in the file: " + line);
    }
    assertEquals(api.size(), fromFile.size());
    for (JsonNode v : api) {
      assertEquals(v, fromFile.get(v.path("cursor").asLong()));
    }
  }

  @Test
  void noMissEverConnectsUpstream() {
    for (int i = 0; i < 5; i++) {
      s.http().get("/pkg/devel/cmake/cmake-3.27.9.tar.gz").then().statusCode(404);
      s.http().get("/distfiles/never-1.0.tar.gz").then().statusCode(404);
      s.http().get("/pkg/wip/boron/v2.1.0.tar.gz").then().statusCode(404);
    }
    assertEquals(0, upstream.accepted());
  }

  @Test
  void reportGroupsViolationsPerPackage() throws IOException {
    s.http().header("User-Agent", UA).get("/run/report-run/pkg/devel/cmake/cmake-3.27.9.tar.gz").then().statusCode(404);
    s.http().header("User-Agent", UA).get("/run/report-run/pkg/devel/cmake/cmake-3.27.9.tar.gz").then().statusCode(404);
    s.http().header("User-Agent", UA).get("/run/report-run/distfiles/shared-2.0.tar.gz").then().statusCode(404);
    s.http().header("User-Agent", UA).get("/run/report-run/distfiles/nowhere-1.tgz").then().statusCode(404);
    JsonNode report = JSON.readTree(s.admin().get("/api/v1/report?run=report-run").asString());
    assertEquals(4, report.path("violations").asLong());
    assertEquals("report-run", report.path("run").asText());
    List<String> pkgs = new ArrayList<>();
    report.path("packages").forEach(p -> pkgs.add(p.path("pkgpath").asText()));
    assertEquals(List.of("(no package)", "devel/a", "devel/b", "devel/cmake"), pkgs);
    JsonNode cmake = report.path("packages").get(3).path("distfiles").get(0);
    assertEquals("cmake-3.27.9.tar.gz", cmake.path("name").asText());
    assertEquals("not-prefetched", cmake.path("kind").asText());
    assertEquals(2, cmake.path("count").asLong());
    assertEquals(List.of("127.0.0.1"), texts(cmake.path("clients")));
    assertTrue(cmake.path("reason").asText().startsWith("HTTP 404 from "));

    String text = s.admin().get("/api/v1/report?run=report-run&format=text").asString();
    String url = upstream.url("/files/v3.27/cmake-3.27.9.tar.gz");
    assertEquals("distvault violations report for run report-run: 4 violations, 4 packages\n"
        + "\n(no package)\n  nowhere-1.tgz  unknown  x1  in no manifest  [clients: 127.0.0.1]\n"
        + "\ndevel/a\n  shared-2.0.tar.gz  not-prefetched  x1  no prefetch attempt recorded  [clients: 127.0.0.1]\n"
        + "\ndevel/b\n  shared-2.0.tar.gz  not-prefetched  x1  no prefetch attempt recorded  [clients: 127.0.0.1]\n"
        + "\ndevel/cmake\n  cmake-3.27.9.tar.gz  not-prefetched  x2  HTTP 404 from " + url + "  [clients: 127.0.0.1]\n",
        text);
  }

  @Test
  void violationsListFiltersByRun() throws IOException {
    s.http().get("/run/filter-a/distfiles/x-1.tgz").then().statusCode(404);
    s.http().get("/run/filter-b/distfiles/x-2.tgz").then().statusCode(404);
    s.http().get("/run/filter-a/distfiles/x-3.tgz").then().statusCode(404);
    JsonNode list = JSON.readTree(s.admin().get("/api/v1/violations?run=filter-a").asString());
    List<String> names = new ArrayList<>();
    list.path("violations").forEach(v -> names.add(v.path("name").asText()));
    assertEquals(List.of("x-1.tgz", "x-3.tgz"), names);
    assertEquals(s.server.violations().lastCursor(), list.path("next").asLong());
  }
}
