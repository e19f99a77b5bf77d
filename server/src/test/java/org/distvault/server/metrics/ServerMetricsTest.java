package org.distvault.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.distvault.server.http.ConnectionGate;
import org.distvault.server.http.RouteKind;
import org.distvault.server.mode.Mode;
import org.distvault.storage.record.StoreStats;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label mapping and cardinality bounds of the metrics. */
class ServerMetricsTest {
  @ParameterizedTest
  @CsvSource({
      "DISTFILES,200,hit", "PKG,206,partial", "BY_HASH,304,not_modified", "PKG,404,miss",
      "DISTFILES,416,range_not_satisfiable", "DISTFILES,400,bad_request", "PKG,405,method_not_allowed",
      "PKG,500,error", "ADMIN,200,ok", "ADMIN,201,ok", "ADMIN,401,unauthorized", "ADMIN,404,not_found",
      "ADMIN,409,conflict", "ADMIN,413,too_large", "ADMIN,422,unprocessable", "ADMIN,501,not_implemented",
      "OTHER,404,not_found", "METRICS,200,ok", "HEALTH,503,unavailable", "ADMIN,418,other"})
  void outcomeOfAStatusDependsOnTheRouteFamily(RouteKind route, int status, String outcome) {
    assertEquals(outcome, ServerMetrics.outcome(route, status));
  }

  @ParameterizedTest
  @CsvSource({
      "/distfiles/a.tgz,DISTFILES", "/pkg/devel/cmake/c.tgz,PKG", "/run/r1/pkg/a/b/c.tgz,PKG",
      "/run/r1/distfiles/x.tgz,DISTFILES", "/run/r1/other/x,OTHER", "/by-hash/sha256/ab,BY_HASH",
      "/api/v1/mode,ADMIN", "/metrics,METRICS", "/metrics/x,OTHER", "/metrics/,OTHER", "/healthz,HEALTH",
      "/healthz/,OTHER", "/,OTHER", "/favicon.ico,OTHER", "'',OTHER", "*,OTHER", "/run,OTHER", "/run/,OTHER",
      "/run/r1,OTHER", "/run/r1/,OTHER", "/run/r1/pkg,PKG", "/run/r1/distfilesx/a,OTHER", "/run/r1/run/pkg/a,OTHER",
      "//distfiles/a,OTHER", "/distfiles,DISTFILES", "/pkgs/a,OTHER", "/by-hash,BY_HASH", "/apix,OTHER",
      "/metric,OTHER", "/run/r1/metrics,OTHER", "/set/A/distfiles/x.tgz,DISTFILES", "/set/A/pkg/a/b/c.tgz,PKG",
      "/set/A/run/r1/pkg/a/b/c.tgz,PKG", "/set/A/run/r1/distfiles/x,DISTFILES", "/set/A/by-hash/sha256/ab,OTHER",
      "/set,OTHER", "/set/,OTHER", "/set/A,OTHER", "/set/A/,OTHER", "/set/A/run/r1,OTHER", "/set/A/api/v1,OTHER",
      "/set/A/set/B/pkg/a,OTHER"})
  void routeFamilyOfAPath(String path, RouteKind kind) {
    assertEquals(kind, RouteKind.of(path));
  }

  @Test
  void requestsAreCountedPerRouteAndOutcomeAcrossRepeatedCalls() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ServerMetrics m = new ServerMetrics(r, () -> new StoreStats(0, 0, 0, 0, 0, 0, 0), () -> Mode.ONLINE)) {
      for (int i = 0; i < 3; i++) {
        m.completed(RouteKind.PKG, 200, 10, 1_000_000);
      }
      m.completed(RouteKind.PKG, 404, 0, 2_000_000);
      m.completed(RouteKind.ADMIN, 404, 0, 1_000);
      m.completed(RouteKind.ADMIN, 1234, 0, 1_000);
      m.completed(RouteKind.ADMIN, 1234, 0, 1_000);
      String s = r.scrape();
      assertEquals(3.0, sample(s, "distvault_requests_total{outcome=\"hit\",route=\"pkg\"}"), s);
      assertEquals(1.0, sample(s, "distvault_requests_total{outcome=\"miss\",route=\"pkg\"}"), s);
      assertEquals(1.0, sample(s, "distvault_requests_total{outcome=\"not_found\",route=\"admin\"}"), s);
      assertEquals(2.0, sample(s, "distvault_requests_total{outcome=\"error\",route=\"admin\"}"), s);
      assertEquals(4.0, sample(s, "distvault_request_duration_seconds_count{route=\"pkg\"}"), s);
      assertEquals(3.0, sample(s, "distvault_request_duration_seconds_count{route=\"admin\"}"), s);
      assertEquals(30.0, sample(s, "distvault_bytes_served_total"), s);
    } finally {
      r.close();
    }
  }

  @Test
  void ingestLabelsOutsideTheAllowedShapeBecomeOther() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ServerMetrics m = new ServerMetrics(r, () -> new StoreStats(0, 0, 0, 0, 0, 0, 0), () -> Mode.ONLINE)) {
      m.ingestOutcome("blob", "created");
      m.ingestOutcome("Blob Upload!", "../etc");
      m.ingestOutcome("scrub", "corrupt");
      m.scrubFinished(java.time.Instant.ofEpochSecond(1_790_000_000L));
      m.backupFinished(java.time.Instant.ofEpochSecond(1_800_000_000L));
      String s = r.scrape();
      assertEquals(true, s.contains("distvault_ingest_total{kind=\"blob\",result=\"created\"} 1.0"), s);
      assertEquals(true, s.contains("distvault_ingest_total{kind=\"other\",result=\"other\"} 1.0"), s);
      assertEquals(true, s.contains("distvault_scrub_corrupt_total 1.0"), s);
      assertEquals(true, s.contains("distvault_last_scrub_timestamp_seconds 1.79E9"), s);
      assertEquals(true, s.contains("distvault_last_backup_timestamp_seconds 1.8E9"), s);
    } finally {
      r.close();
    }
  }

  @Test
  void dataDirectorySpaceIsTheFileSystemsUsableAndTotalSpace(@TempDir Path data) throws Exception {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ServerMetrics m = new ServerMetrics(r, () -> new StoreStats(0, 0, 0, 0, 0, 0, 0), () -> Mode.ONLINE)) {
      m.dataDirectory(data);
      FileStore store = Files.getFileStore(data);
      long totalBefore = store.getTotalSpace();
      long usableBefore = store.getUsableSpace();
      String s = r.scrape();
      long usableAfter = store.getUsableSpace();
      double size = sample(s, "distvault_data_size_bytes");
      double free = sample(s, "distvault_data_free_bytes");
      assertEquals((double) totalBefore, size, s);
      // Other processes write to the same file system meanwhile: allow 64 MiB around the two reads.
      long slack = 64L << 20;
      assertTrue(free >= Math.min(usableBefore, usableAfter) - slack
              && free <= Math.max(usableBefore, usableAfter) + slack,
          free + " not near " + usableBefore + " .. " + usableAfter);
      assertTrue(free > 0 && free <= size, s);
      assertTrue(s.contains("# TYPE distvault_data_free_bytes gauge"), s);
    } finally {
      r.close();
    }
  }

  @Test
  void connectionMetersReadTheGateAtEachScrape() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (ServerMetrics m = new ServerMetrics(r, () -> new StoreStats(0, 0, 0, 0, 0, 0, 0), () -> Mode.ONLINE)) {
      m.connections(new ConnectionGate(c -> {}, 270, 128));
      String s = r.scrape();
      assertEquals(0.0, sample(s, "distvault_connections"), s);
      assertEquals(270.0, sample(s, "distvault_connections_max"), s);
      for (String bound : new String[] {"total", "per_client"}) {
        assertEquals(0.0, sample(s, "distvault_connections_refused_total{bound=\"" + bound + "\"}"), s);
        assertEquals(0.0, sample(s, "distvault_connections_evicted_total{bound=\"" + bound + "\"}"), s);
      }
    } finally {
      r.close();
    }
  }

  private static double sample(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
    assertTrue(m.find(), name + " missing in\n" + scrape);
    return Double.parseDouble(m.group(1));
  }
}
