package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import org.distvault.server.http.AddressRanges;
import org.distvault.server.status.StatusAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The status page over plain HTTP against a real server ({@link StatusFixture}): what each
 * {@code --status-page} setting answers, that the JSON agrees with the admin API, that names are
 * escaped, and that client addresses appear only with the admin token.
 */
@Timeout(120)
class StatusPageIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static StatusFixture f;
  static TestServer s;

  @BeforeAll
  static void start() throws IOException {
    f = StatusFixture.start(data, StatusAccess.PUBLIC);
    s = f.server;
  }

  @AfterAll
  static void stop() throws IOException {
    s.close();
  }

  private static JsonNode json(Response r) throws IOException {
    assertEquals(200, r.statusCode(), r.asString());
    return JSON.readTree(r.asString());
  }

  @ParameterizedTest
  @CsvSource({"/", "/status"})
  void thePageIsOneSelfContainedHtmlDocument(String path) {
    Response r = s.http().get(path);
    assertEquals(200, r.statusCode());
    assertEquals("text/html; charset=utf-8", r.contentType());
    assertEquals("no-store", r.header("Cache-Control"));
    assertEquals("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
        + "base-uri 'none'; frame-ancestors 'none'", r.header("Content-Security-Policy"));
    String html = r.asString();
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertFalse(html.contains("<script"), "no script");
    assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "no external file");
    assertTrue(html.contains("<code>" + f.sealOfA.digest() + "</code>"), "set A's seal digest");
    assertTrue(html.contains("<dd id=\"mode\"><strong>offline</strong></dd>"), html);
  }

  @Test
  void namesAndReasonsAreEscaped() {
    String html = s.http().get("/").asString();
    assertTrue(html.contains("<td class=\"distfile\">it&#39;s&amp;gone-1.0.tar.gz</td>"), html);
    assertTrue(html.contains("<td class=\"reason\">HTTP 404 &lt;b onmouseover=alert(2)&gt;Not Found&lt;/b&gt; "
        + "&amp; gone (last tried https://upstream.invalid/xss.tar.gz)</td>"), html);
    assertFalse(html.contains("<script") || html.contains("<b "), "markup in names is text, not elements");
  }

  @Test
  void thePublicPageNamesNoClient() throws IOException {
    assertFalse(s.http().get("/").asString().contains("127.0.0.1"));
    String json = s.http().get("/status.json").asString();
    assertFalse(json.contains("127.0.0.1"), json);
    assertFalse(json.contains("\"client"), json);
    assertFalse(json.contains("userAgent"), json);
  }

  @Test
  void theAdminTokenAddsTheClients() throws IOException {
    assertTrue(s.admin().get("/").asString().contains("<td class=\"client\">127.0.0.1</td>"));
    JsonNode status = json(s.admin().get("/status.json"));
    assertEquals("127.0.0.1", status.path("violations").get(0).path("client").asText());
    JsonNode xss = status.path("report").path("packages").get(1);
    assertEquals("devel/xss", xss.path("pkgpath").asText());
    assertEquals("[\"127.0.0.1\"]", xss.path("distfiles").get(0).path("clients").toString());
  }

  @Test
  void aWrongTokenGetsThePublicPage() {
    Response r = s.http().header("Authorization", "Bearer not-the-token").get("/status.json");
    assertEquals(200, r.statusCode());
    assertFalse(r.asString().contains("127.0.0.1"));
  }

  @Test
  void theJsonAgreesWithTheAdminApi() throws IOException {
    JsonNode status = json(s.http().get("/status.json"));
    assertEquals(json(s.admin().get("/api/v1/sets")).path("sets"), status.path("sets"));
    assertEquals("offline", status.path("mode").asText());
    assertEquals("ok", status.path("status").asText());
    JsonNode stats = json(s.admin().get("/api/v1/stats"));
    assertEquals(stats.path("blobs"), status.path("store").path("blobs"));
    assertEquals(stats.path("blobBytes"), status.path("store").path("blobBytes"));
    assertEquals(stats.path("distfiles"), status.path("store").path("distfiles"));

    JsonNode listed = json(s.admin().get("/api/v1/violations")).path("violations");
    assertEquals(StatusFixture.VIOLATIONS, listed.size());
    JsonNode recent = status.path("violations");
    assertEquals(StatusFixture.VIOLATIONS, recent.size());
    for (int i = 0; i < listed.size(); i++) {
      ObjectNode expected = ((ObjectNode) listed.get(listed.size() - 1 - i)).deepCopy();
      expected.remove("client");
      expected.remove("userAgent");
      assertEquals(expected, recent.get(i), "newest first, without the client");
    }
    assertEquals(StatusFixture.XSS_REQUESTED, recent.get(2).path("name").asText());
    assertEquals(StatusFixture.AMPERSAND_NAME, recent.get(1).path("name").asText());

    ObjectNode report = (ObjectNode) json(s.admin().get("/api/v1/report?set=default"));
    report.path("packages").forEach(p -> p.path("distfiles").forEach(d -> ((ObjectNode) d).remove("clients")));
    assertEquals(report, status.path("report"));
    assertEquals(2, report.path("violations").asLong(), "two of the three were in the default set");
  }

  @Test
  void theRatesCountTheHitsMissesAndViolations() throws IOException {
    JsonNode rates = json(s.http().get("/status.json")).path("rates");
    assertEquals(60, rates.size());
    long hits = 0;
    long misses = 0;
    long violations = 0;
    for (JsonNode b : rates) {
      hits += b.path("hits").asLong();
      misses += b.path("misses").asLong();
      violations += b.path("violations").asLong();
    }
    assertEquals(StatusFixture.HITS, hits);
    assertEquals(StatusFixture.VIOLATIONS, misses);
    assertEquals(StatusFixture.VIOLATIONS, violations);
  }

  @Test
  void theLastScrubIsShown() throws IOException {
    JsonNode last = json(s.http().get("/status.json")).path("lastScrub");
    assertEquals(2, last.path("checked").asLong(), "the two stored blobs: " + last);
    assertEquals(23_000, last.path("bytes").asLong());
    assertEquals(0, last.path("corrupt").asInt());
    assertEquals(0, last.path("missing").asInt());
  }

  @Test
  void theSetParameterChoosesTheReport() throws IOException {
    JsonNode report = json(s.http().get("/status.json?set=A")).path("report");
    assertEquals("A", report.path("set").asText());
    assertEquals(1, report.path("violations").asLong());
    JsonNode d = report.path("packages").get(0).path("distfiles").get(0);
    assertEquals("b-1.0.tar.gz", d.path("name").asText());
    String html = s.http().get("/status?set=A").asString();
    assertTrue(html.contains("<span id=\"report-set\">A</span>"), html);
    assertTrue(html.contains("<option value=\"A\" selected>A</option>"), html);
  }

  @Test
  void aBadSetNameIs400() {
    Response r = s.http().get("/status?set=a/b");
    assertEquals(400, r.statusCode());
    assertTrue(r.asString().startsWith("query parameter 'set' is not a set name: "), r.asString());
  }

  @Test
  void onlyGetAndHeadAreAnswered() {
    assertEquals(405, s.http().post("/").statusCode());
    assertEquals("GET, HEAD", s.http().post("/status.json").header("Allow"));
    Response head = s.http().head("/status");
    assertEquals(200, head.statusCode());
    assertEquals("", head.asString());
  }

  @Test
  void offAnswers404AndAdminNeedsTheToken(@TempDir Path off, @TempDir Path admin) throws IOException {
    try (TestServer o = TestServer.of(DistvaultServer.start(ServerConfig.defaults(off).withPort(0)
        .withExposure(Exposure.DEFAULT.withStatusPage(StatusAccess.OFF))))) {
      for (String path : new String[] {"/", "/status", "/status.json"}) {
        assertEquals(404, o.http().get(path).statusCode(), path);
        assertEquals(404, o.admin().get(path).statusCode(), path);
      }
    }
    try (TestServer a = TestServer.of(DistvaultServer.start(ServerConfig.defaults(admin).withPort(0)
        .withExposure(Exposure.DEFAULT.withStatusPage(StatusAccess.ADMIN))))) {
      for (String path : new String[] {"/", "/status", "/status.json"}) {
        Response refused = a.http().get(path);
        assertEquals(401, refused.statusCode(), path);
        assertEquals("Bearer realm=\"distvault\"", refused.header("WWW-Authenticate"));
        assertEquals(200, a.admin().get(path).statusCode(), path);
      }
    }
  }

  @Test
  void clientsOutsideAllowFromGet403(@TempDir Path elsewhere) throws IOException {
    try (TestServer e = TestServer.of(DistvaultServer.start(ServerConfig.defaults(elsewhere).withPort(0)
        .withExposure(Exposure.DEFAULT.withAllowFrom(AddressRanges.parse("10.0.0.0/8")))))) {
      for (String path : new String[] {"/", "/status", "/status.json"}) {
        assertEquals(403, e.admin().get(path).statusCode(), path);
      }
    }
  }
}
