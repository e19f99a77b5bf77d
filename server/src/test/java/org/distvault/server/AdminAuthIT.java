package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.distvault.server.admin.AdminRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin route of the route table, the ingest routes included, refuses a missing,
 * malformed or wrong token with 401 and a one-line JSON error; routing errors and the open
 * endpoints behave as documented.
 */
class AdminAuthIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static TestServer s;

  @BeforeAll
  static void start() throws IOException {
    s = TestServer.start(data);
  }

  @AfterAll
  static void stop() throws IOException {
    s.close();
  }

  record BadAuth(String what, UnaryOperator<RequestSpecification> apply, String error) {}

  static List<BadAuth> badAuths() {
    String token = s.token();
    return List.of(
        new BadAuth("missing", r -> r, "missing bearer token: send Authorization: Bearer <token>"),
        new BadAuth("wrong", r -> r.header("Authorization", "Bearer " + "0".repeat(64)), "invalid token"),
        new BadAuth("prefix of the token", r -> r.header("Authorization", "Bearer " + token.substring(0, 63)),
            "invalid token"),
        new BadAuth("token plus a byte", r -> r.header("Authorization", "Bearer " + token + "0"), "invalid token"),
        new BadAuth("basic scheme", r -> r.header("Authorization", "Basic " + token),
            "malformed Authorization header: expected one 'Bearer <token>'"),
        new BadAuth("scheme only", r -> r.header("Authorization", "Bearer"),
            "malformed Authorization header: expected one 'Bearer <token>'"),
        new BadAuth("raw token", r -> r.header("Authorization", token),
            "malformed Authorization header: expected one 'Bearer <token>'"),
        new BadAuth("two headers", r -> r.header("Authorization", "Bearer " + token)
            .header("Authorization", "Bearer " + token),
            "malformed Authorization header: expected one 'Bearer <token>'"));
  }

  @Test
  void everyAdminRouteRefusesEveryBadToken() throws IOException {
    List<AdminRoute> routes = s.server.adminRoutes();
    assertEquals(25, routes.size(), "route table: " + routes);
    int checked = 0;
    for (AdminRoute route : routes) {
      for (BadAuth bad : badAuths()) {
        Response r = bad.apply().apply(s.http().body("{}")).request(route.method(), route.examplePath());
        String where = route.method() + " " + route.examplePath() + " with " + bad.what();
        assertEquals(401, r.statusCode(), where);
        assertEquals("Bearer realm=\"distvault\"", r.header("WWW-Authenticate"), where);
        assertEquals("application/json", r.header("Content-Type"), where);
        String body = r.asString();
        assertEquals(1, body.split("\n", -1).length - 1, "one line: " + body);
        assertEquals(bad.error(), JSON.readTree(body).path("error").asText(), where);
        checked++;
      }
    }
    assertEquals(25 * badAuths().size(), checked);
    assertEquals("online", s.server.modes().current().wireName(), "no bad request changed the mode");
  }

  @Test
  void ingestRoutesAreWiredBehindTheToken() throws IOException {
    // With the token each ingest route answers for itself: an empty body is no SHA-512 of zeros,
    // "{}" is no manifest line, have request or outcome, and a scrub of an empty store is clean.
    String[][] ingest = {
        {"PUT", "/api/v1/blobs/sha512/" + "0".repeat(128), "", "422"},
        {"POST", "/api/v1/manifest", "{}", "400"},
        {"POST", "/api/v1/have", "{}", "400"},
        {"POST", "/api/v1/outcomes", "{}", "400"},
        // TestServer runs without --upstream: the route is there and refuses to fetch.
        {"POST", "/api/v1/prefetch", "{}", "409"},
        {"POST", "/api/v1/scrub", "", "200"},
        {"POST", "/api/v1/backup", "{}", "400"},
        {"POST", "/api/v1/backup", "{\"to\":\"relative/dir\"}", "400"},
        {"POST", "/api/v1/backup", "{\"to\":\"/tmp/x\",\"extra\":1}", "400"}};
    for (String[] i : ingest) {
      Response r = s.admin().body(i[2]).request(i[0], i[1]);
      assertEquals(Integer.parseInt(i[3]), r.statusCode(), i[1] + ": " + r.asString());
    }
    assertEquals(0, s.server.vault().stats().blobs(), "nothing was stored");
  }

  @Test
  void unknownAdminRouteNeedsTheTokenThenIs404() throws IOException {
    assertEquals(401, s.http().get("/api/v1/nothing").statusCode());
    assertEquals(401, s.http().get("/api/v2/mode").statusCode());
    Response r = s.admin().get("/api/v1/nothing");
    assertEquals(404, r.statusCode());
    assertEquals("no such admin route: /api/v1/nothing", JSON.readTree(r.asString()).path("error").asText());
    assertEquals(404, s.admin().get("/api/v1/blobs/sha512/aa/bb").statusCode());
  }

  @Test
  void wrongMethodIs405WithAllow() throws IOException {
    Response r = s.admin().delete("/api/v1/mode");
    assertEquals(405, r.statusCode());
    assertEquals("GET, PUT", r.header("Allow"));
    assertEquals("DELETE not allowed on /api/v1/mode: use GET, PUT", JSON.readTree(r.asString()).path("error").asText());
    assertEquals(405, s.admin().get("/api/v1/scrub").statusCode());
    assertEquals(405, s.admin().post("/api/v1/stats").statusCode());
  }

  @Test
  void badQueryParametersAre400NamingTheParameter() throws IOException {
    String[][] cases = {
        {"/api/v1/violations?since=-1", "query parameter 'since' must be a whole number from 0 to 9223372036854775807, got '-1'"},
        {"/api/v1/violations?limit=0", "query parameter 'limit' must be a whole number from 1 to 10000, got '0'"},
        {"/api/v1/violations?limit=abc", "query parameter 'limit' must be a whole number from 1 to 10000, got 'abc'"},
        {"/api/v1/violations?run=a/b", "query parameter 'run' must be 1-64 of A-Z a-z 0-9 . _ -"},
        {"/api/v1/violations?set=a%2Bb", "query parameter 'set' is not a set name: only A-Z, a-z, 0-9, '.', '_' and '-' are allowed"},
        {"/api/v1/violations?sinse=1", "unknown query parameter 'sinse': expected [limit, run, set, since]"},
        {"/api/v1/report?format=html", "query parameter 'format' must be one of [json, text], got 'html'"}};
    for (String[] c : cases) {
      Response r = s.admin().get(c[0]);
      assertEquals(400, r.statusCode(), c[0]);
      String error = JSON.readTree(r.asString()).path("error").asText();
      if (c[1].contains("expected [") || c[1].contains("one of [")) {
        // Set order in the message is not fixed: compare the words.
        assertEquals(sorted(c[1]), sorted(error), c[0]);
      } else {
        assertEquals(c[1], error, c[0]);
      }
    }
  }

  private static String sorted(String s) {
    return java.util.Arrays.stream(s.split("[\\[\\], ]+")).sorted().toList().toString();
  }

  @Test
  void metricsAndHealthNeedNoToken() throws IOException {
    Response metrics = s.http().get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.header("Content-Type"));
    assertTrue(metrics.asString().contains("distvault_mode{mode=\"online\"} 1.0"));
    Response health = s.http().get("/healthz");
    assertEquals(200, health.statusCode());
    JsonNode h = JSON.readTree(health.asString());
    assertEquals("ok", h.path("status").asText());
    assertEquals("online", h.path("mode").asText());
  }

  @Test
  void statsReportsCatalogCountsAndViolations() throws IOException {
    JsonNode stats = JSON.readTree(s.admin().get("/api/v1/stats").asString());
    assertEquals("online", stats.path("mode").asText());
    assertEquals(0, stats.path("blobs").asLong());
    assertEquals(0, stats.path("distfiles").path("present").asLong());
    assertEquals(0, stats.path("violations").asLong());
  }
}
