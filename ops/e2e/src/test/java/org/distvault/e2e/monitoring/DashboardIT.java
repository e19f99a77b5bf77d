package org.distvault.e2e.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
 * jar exports after some traffic: a hit, a miss, admin calls, a scrub, and a violation offline; and,
 * for the object-store panels and alerts, a replica on a real S3 server after tier hits, misses,
 * an eviction and a backend error.
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
    assertEquals(30, queryPanels);
  }

  /** promtool parses every dashboard query, with Grafana's variables replaced by values. */
  @Test
  void dashboardQueriesAreValidPromql() throws Exception {
    List<Query> queries = Query.ofDashboard(dashboardFile());
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      String expr = queries.get(i).resolved("1m", "6h");
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
    String local;
    try (JarServer server = JarServer.start(data, tmp, "--trap-proxy", "127.0.0.1:0")) {
      ServerTraffic.oneOfEach(server.url(), data);
      local = ServerTraffic.get(server.url(), "metrics", null).body();
    }
    // The object-store series (cache tier, backend errors, replica polls) come from a replica.
    String replica;
    try (ReplicaOnS3 s3 = ReplicaOnS3.start(tmp.resolve("s3"))) {
      s3.traffic();
      replica = ServerTraffic.get(s3.url(), "metrics", null).body();
    }
    Scrape scrape = Scrape.parse(local + "\n" + replica);
    List<Query> queries = new ArrayList<>(Query.ofDashboard(dashboardFile()));
    List<Query> rules = Query.ofRules(rulesFile());
    assertEquals(15, rules.size());
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
}
