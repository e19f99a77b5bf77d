package org.distvault.e2e.monitoring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.install.Executables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's) with the shipped scrape config and rules, scraping every second the
 * real jar and a replica on a real S3 server: after an offline miss the violation alert fires,
 * after the S3 server stopped and the replica answered 503 the backend alert fires (naming the op),
 * and every dashboard query evaluates to data.
 */
class PrometheusIT {
  /** Every wait below is bounded by this many seconds. */
  private static final int WAIT_SECONDS = 90;

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void violationAndBackendAlertsFireAndEveryDashboardQueryHasData() throws Exception {
    Path data = tmp.resolve("data");
    try (JarServer server = JarServer.start(data, tmp, "--trap-proxy", "127.0.0.1:0");
        ReplicaOnS3 s3 = ReplicaOnS3.start(tmp.resolve("s3"))) {
      String target = URI.create(server.url()).getAuthority();
      String replica = URI.create(s3.url()).getAuthority();
      Path config = writeConfig(target, replica);
      int port = freePort();
      Process prometheus = new ProcessBuilder(Executables.require("prometheus", "prometheus").toString(),
          "--config.file=" + config, "--storage.tsdb.path=" + tmp.resolve("tsdb"),
          "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
      try {
        String api = "http://127.0.0.1:" + port + "/api/v1/";
        JsonNode up = await(api, "query?query=" + encode("up{job=\"distvault\"} == 1"),
            r -> r.path("data").path("result").size() == 2, "both distvault targets to be up");
        List<String> instances = new ArrayList<>();
        up.path("data").path("result").forEach(r -> instances.add(r.path("metric").path("instance").asText()));
        assertEquals(List.of(replica, target).stream().sorted().toList(), instances.stream().sorted().toList());

        ServerTraffic.oneOfEach(server.url(), data);
        s3.traffic();

        JsonNode alerts = await(api, "alerts", r -> firing(r, "DistvaultViolationWhileOffline") != null
            && firing(r, "DistvaultBackendErrors") != null, "DistvaultViolationWhileOffline and DistvaultBackendErrors to fire");
        JsonNode alert = firing(alerts, "DistvaultViolationWhileOffline");
        assertEquals(target, alert.path("labels").path("instance").asText(), alert.toString());
        assertEquals("unknown", alert.path("labels").path("kind").asText(), alert.toString());
        assertEquals("critical", alert.path("labels").path("severity").asText(), alert.toString());
        assertEquals("distvault " + target + ": unknown violations while offline",
            alert.path("annotations").path("summary").asText());
        // The replica's 503 for a blob the stopped S3 server could not give; its failed seal polls
        // are DistvaultReplicaNotFollowing's, later.
        JsonNode backend = firing(alerts, "DistvaultBackendErrors");
        assertEquals(replica, backend.path("labels").path("instance").asText(), backend.toString());
        assertEquals("get", backend.path("labels").path("op").asText(), backend.toString());
        assertEquals("distvault " + replica + ": blob store get failing", backend.path("annotations").path("summary").asText());
        assertEquals(1, allFiring(alerts, "DistvaultBackendErrors").size(), alerts.toString());
        assertEquals(null, firing(alerts, "DistvaultDown"), alerts.toString());

        // Rates need two samples after the traffic: wait for a few more scrapes of both.
        await(api, "query?query=" + encode("count_over_time(distvault_mode{mode=\"offline\"}[10s] @ end()) >= 4"
            + " and distvault_mode{mode=\"offline\"} == 1"), r -> r.path("data").path("result").size() == 2,
            "four scrapes of both in offline mode");
        List<String> empty = new ArrayList<>();
        for (Query q : Query.ofDashboard(OpsPaths.ops().resolve("grafana/distvault-dashboard.json"))) {
          JsonNode r = get(api + "query?query=" + encode(q.resolved("10s", "1m")));
          assertEquals("success", r.path("status").asText(), q + ": " + r);
          if (r.path("data").path("result").isEmpty()) {
            empty.add(q.where() + ": " + q.expr());
          }
        }
        assertEquals(List.of(), empty, "dashboard queries without data");
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  /** The shipped prometheus.yml with its rule file, scraping the {@code targets} every second. */
  private Path writeConfig(String... targets) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("etc"));
    String shipped = Files.readString(OpsPaths.ops().resolve("prometheus/prometheus.yml"));
    String config = shipped.replace("'cache.example.org:8080'", "'" + String.join("', '", targets) + "'")
        .replace("scrape_interval: 15s", "scrape_interval: 1s")
        .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
        .replace("scrape_timeout: 10s", "scrape_timeout: 1s");
    assertNotEquals(shipped, config);
    assertTrue(!config.contains("15s") && !config.contains("example.org:8080'"), config);
    Files.copy(OpsPaths.ops().resolve("prometheus/distvault.rules.yml"), dir.resolve("distvault.rules.yml"));
    return Files.writeString(dir.resolve("prometheus.yml"), config);
  }

  /** The firing alert named {@code name} in an /api/v1/alerts answer, or null. */
  private static JsonNode firing(JsonNode alerts, String name) {
    List<JsonNode> all = allFiring(alerts, name);
    return all.isEmpty() ? null : all.get(0);
  }

  /** Every firing alert named {@code name} in an /api/v1/alerts answer. */
  private static List<JsonNode> allFiring(JsonNode alerts, String name) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode a : alerts.path("data").path("alerts")) {
      if (a.path("labels").path("alertname").asText().equals(name) && a.path("state").asText().equals("firing")) {
        found.add(a);
      }
    }
    return found;
  }

  /** Polls {@code api + path} every 500 ms until {@code done} holds; fails after WAIT_SECONDS. */
  private JsonNode await(String api, String path, Predicate<JsonNode> done, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(api + path);
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = json.createObjectNode().put("error", e.toString()); // Prometheus is still starting.
      }
      Thread.sleep(500);
    }
    throw new AssertionError("waited " + WAIT_SECONDS + " s for " + what + "; last answer: " + last
        + "\nPrometheus log: " + Files.readString(tmp.resolve("prometheus.log")));
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return json.readTree(r.body());
  }

  private static String encode(String query) {
    return URLEncoder.encode(query, UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
