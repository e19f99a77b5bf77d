package org.distvault.e2e.monitoring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.install.Executables;
import org.distvault.e2e.install.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard is importable and sane, its queries are valid PromQL, and every metric
 * (and every label a matcher names) that the dashboard and the alert rules query is one the real
 * jar exports after some traffic: a hit, a miss, admin calls, a scrub, and a violation offline.
 */
class DashboardIT {
  private static final String DATASOURCE = "${datasource}";
  /** Labels Prometheus adds at scrape time; the server never exports them. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  @TempDir Path tmp;

  private static Path dashboardFile() {
    return OpsPaths.ops().resolve("grafana/distvault-dashboard.json");
  }

  private static Path rulesFile() {
    return OpsPaths.ops().resolve("prometheus/distvault.rules.yml");
  }

  @Test
  void dashboardIsStructurallySane() throws Exception {
    JsonNode d = new ObjectMapper().readTree(dashboardFile().toFile());
    assertEquals("distvault", d.path("uid").asText());
    assertTrue(d.path("schemaVersion").asInt() >= 36, "schemaVersion " + d.path("schemaVersion"));
    JsonNode vars = d.path("templating").path("list");
    assertEquals("datasource", vars.path(0).path("name").asText());
    assertEquals("datasource", vars.path(0).path("type").asText());
    assertEquals("prometheus", vars.path(0).path("query").asText());
    for (JsonNode v : vars) {
      if (v.path("type").asText().equals("query")) {
        assertEquals(DATASOURCE, v.path("datasource").path("uid").asText(), "variable " + v.path("name"));
      }
    }
    Set<Integer> ids = new HashSet<>();
    List<int[]> boxes = new ArrayList<>();
    int queryPanels = 0;
    for (JsonNode p : Query.panels(d)) {
      String name = "panel " + p.path("id") + " '" + p.path("title").asText() + "'";
      assertTrue(p.path("id").isInt() && ids.add(p.path("id").asInt()), name + ": id missing or repeated");
      assertFalse(p.path("title").asText().isBlank(), name + ": no title");
      JsonNode g = p.path("gridPos");
      for (String k : List.of("h", "w", "x", "y")) {
        assertTrue(g.path(k).isInt(), name + ": gridPos." + k);
      }
      int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
      assertTrue(box[0] >= 0 && box[2] > 0 && box[0] + box[2] <= 24 && box[3] > 0, name + ": gridPos outside 24 columns");
      for (int[] other : boxes) {
        boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
            && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
        assertFalse(overlap, name + " overlaps another panel");
      }
      boxes.add(box);
      if (p.path("type").asText().equals("row")) {
        continue;
      }
      queryPanels++;
      assertEquals(DATASOURCE, p.path("datasource").path("uid").asText(), name + ": datasource");
      assertTrue(p.path("targets").size() > 0, name + ": no targets");
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.path("targets")) {
        assertEquals(DATASOURCE, t.path("datasource").path("uid").asText(), name + ": target datasource");
        assertTrue(refIds.add(t.path("refId").asText()), name + ": refId repeated");
        assertFalse(t.path("expr").asText().isBlank(), name + ": empty expr");
      }
    }
    assertEquals(21, queryPanels);
  }

  /** promtool parses every dashboard query, with Grafana's variables replaced by values. */
  @Test
  void dashboardQueriesAreValidPromql() throws Exception {
    List<Query> queries = Query.ofDashboard(dashboardFile());
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      String expr = queries.get(i).expr().replace("$__rate_interval", "1m").replace("$__range", "6h")
          .replace("$job", "distvault").replace("$instance", ".*");
      assertFalse(expr.contains("$"), queries.get(i) + ": an unknown variable");
      rules.append("      - record: dashboard:query").append(i).append("\n        expr: '")
          .append(expr.replace("'", "''")).append("'\n");
    }
    Files.writeString(tmp.resolve("dashboard.rules.yml"), rules);
    String promtool = Executables.require("promtool", "prometheus").toString();
    ProcessResult r = ProcessResult.run(tmp, promtool, "check", "rules", "dashboard.rules.yml");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("SUCCESS: " + queries.size() + " rules found"), r.toString());
  }

  @Test
  void everyQueriedMetricAndLabelIsExportedByTheServer() throws Exception {
    Path data = tmp.resolve("data");
    Scrape scrape;
    try (JarServer server = JarServer.start(data, tmp)) {
      makeTraffic(server.url(), Files.readAllLines(data.resolve("admin.token")).get(0).strip());
      runGc(data);
      scrape = Scrape.parse(get(server.url(), "metrics", null).body());
    }
    List<Query> queries = new ArrayList<>(Query.ofDashboard(dashboardFile()));
    List<Query> rules = Query.ofRules(rulesFile());
    assertEquals(8, rules.size());
    queries.addAll(rules);
    List<String> problems = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    for (Query q : queries) {
      for (PromqlSelectors.Selector s : PromqlSelectors.of(q.expr())) {
        if (s.metric().equals("up")) {
          continue; // Prometheus' own per-target series.
        }
        used.add(s.metric());
        Set<String> labels = new TreeSet<>(s.labels());
        labels.removeAll(TARGET_LABELS);
        if (!scrape.has(s.metric())) {
          problems.add(q.where() + ": " + s.metric() + " is not exported");
        } else if (!scrape.labels(s.metric()).containsAll(labels)) {
          problems.add(q.where() + ": " + s.metric() + " has labels " + scrape.labels(s.metric())
              + ", the query matches on " + labels);
        }
      }
    }
    assertEquals(List.of(), problems, "scraped names: " + scrape.labelsByName().keySet());
    // The dashboard shows every distvault metric (histogram series count once).
    Set<String> unshown = new TreeSet<>();
    for (String name : scrape.labelsByName().keySet()) {
      if (name.startsWith("distvault_") && !used.contains(name)) {
        unshown.add(name);
      }
    }
    assertEquals(Set.of(), unshown, "distvault metrics no panel or alert queries");
  }

  /** One of each request kind the dashboard's labelled series need. */
  private static void makeTraffic(String url, String token) throws Exception {
    byte[] blob = "distvault dashboard test blob\n".repeat(100).getBytes(UTF_8);
    String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(blob));
    HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(url + "api/v1/blobs/sha512/" + sha512))
        .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
    assertEquals(201, put.statusCode(), put.body());
    HttpResponse<byte[]> hit = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "by-hash/sha512/" + sha512)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, hit.statusCode());
    assertArrayEquals(blob, hit.body());
    assertEquals(404, get(url, "distfiles/dashboard-miss-1.0.tar.gz", null).statusCode());
    assertEquals(200, get(url, "api/v1/stats", token).statusCode());
    HttpResponse<String> scrub = send(HttpRequest.newBuilder(URI.create(url + "api/v1/scrub"))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, scrub.statusCode(), scrub.body());
    HttpResponse<String> offline = send(HttpRequest.newBuilder(URI.create(url + "api/v1/mode"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"offline\",\"reason\":\"dashboard test\"}")).build());
    assertEquals(200, offline.statusCode(), offline.body());
    HttpResponse<String> violation = get(url, "pkg/devel/dashboard/dashboard-miss-1.0.tar.gz", null);
    assertEquals(404, violation.statusCode());
    assertTrue(violation.body().startsWith("unknown: "), violation.body());
  }

  /**
   * Asks the server's JVM for a garbage collection (jcmd), so that the GC pause histogram exists,
   * as it does on any server that ran a while.
   */
  private static void runGc(Path data) throws Exception {
    String marker = "--data " + data;
    ProcessHandle jvm = ProcessHandle.current().descendants()
        .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no child JVM serving " + data));
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    ProcessResult r = ProcessResult.run(data.getParent(), jcmd.toString(), Long.toString(jvm.pid()), "GC.run");
    assertEquals(0, r.exit(), r.toString());
  }

  private static HttpResponse<String> get(String url, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
