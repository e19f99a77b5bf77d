package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} after real traffic: every documented name is there, with exact counts. */
class MetricsIT {
  @TempDir Path data;

  /** The value of one sample line, e.g. {@code distvault_requests_total{outcome="hit",route="pkg"}}. */
  private static double sample(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    assertTrue(m.find(), "no sample " + series + " in:\n" + scrape);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyMetricIsExportedWithExactCounts() throws IOException {
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      Catalogue c = s.catalogue();
      byte[] a = Catalogue.content(1, 10_000);
      byte[] b = Catalogue.content(2, 20_000);
      c.present("a-1.tar.gz", "cat/a", a);
      c.present("b-1.tar.gz", "cat/b", b);
      c.failed("f-1.tar.gz", "cat/f", Catalogue.content(3, 10), "https://upstream.invalid/f-1.tar.gz", "timeout");
      c.expect("m-1.tar.gz", "cat/m", Catalogue.content(4, 10));

      s.http().get("/pkg/cat/a/a-1.tar.gz").then().statusCode(200);
      s.http().get("/distfiles/b-1.tar.gz").then().statusCode(200);
      s.http().get("/distfiles/b-1.tar.gz").then().statusCode(200);
      s.http().header("Range", "bytes=0-99").get("/distfiles/a-1.tar.gz").then().statusCode(206);
      s.http().header("If-None-Match", "\"" + Catalogue.sha512Hex(a) + "\"").get("/distfiles/a-1.tar.gz")
          .then().statusCode(304);
      s.http().get("/by-hash/sha256/" + Catalogue.sha256Hex(b)).then().statusCode(200);
      s.http().get("/pkg/cat/f/f-1.tar.gz").then().statusCode(404);
      s.http().get("/distfiles/unknown-1.tar.gz").then().statusCode(404);
      s.http().get("/distfiles/unknown-2.tar.gz").then().statusCode(404);
      s.http().get("/distfiles/bad/../x").then().statusCode(400);
      s.http().get("/api/v1/stats").then().statusCode(401);
      s.admin().get("/api/v1/stats").then().statusCode(200);
      s.http().get("/healthz").then().statusCode(200);

      String m = s.http().get("/metrics").asString();
      for (String name : List.of(
          "distvault_requests_total", "distvault_bytes_served_total", "distvault_violations_total",
          "distvault_mode", "distvault_blobs", "distvault_blob_bytes", "distvault_distfiles",
          "distvault_ingest_total", "distvault_upstream_fetch_total", "distvault_request_duration_seconds_bucket",
          "distvault_request_duration_seconds_count", "distvault_scrub_corrupt_total",
          "distvault_last_scrub_timestamp_seconds", "distvault_last_backup_timestamp_seconds", "jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes",
          "jvm_threads_live_threads", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds",
          "process_files_open_files")) {
        assertTrue(Pattern.compile("^" + name + "[{ ]", Pattern.MULTILINE).matcher(m).find()
            || m.contains("# TYPE " + name + " "), "missing " + name);
      }
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"hit\",route=\"pkg\"}"));
      assertEquals(2, sample(m, "distvault_requests_total{outcome=\"hit\",route=\"distfiles\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"partial\",route=\"distfiles\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"not_modified\",route=\"distfiles\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"hit\",route=\"by_hash\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"miss\",route=\"pkg\"}"));
      assertEquals(2, sample(m, "distvault_requests_total{outcome=\"miss\",route=\"distfiles\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"bad_request\",route=\"distfiles\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"unauthorized\",route=\"admin\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"ok\",route=\"admin\"}"));
      assertEquals(1, sample(m, "distvault_requests_total{outcome=\"ok\",route=\"health\"}"));
      // Blob bodies only: 10,000 + 2 x 20,000 + 100 + 20,000.
      assertEquals(10_000 + 40_000 + 100 + 20_000, sample(m, "distvault_bytes_served_total"));
      assertEquals(1, sample(m, "distvault_violations_total{kind=\"not-prefetched\"}"));
      assertEquals(2, sample(m, "distvault_violations_total{kind=\"unknown\"}"));
      assertEquals(0, sample(m, "distvault_violations_total{kind=\"ambiguous\"}"));
      assertEquals(1, sample(m, "distvault_mode{mode=\"offline\"}"));
      assertEquals(0, sample(m, "distvault_mode{mode=\"online\"}"));
      assertEquals(2, sample(m, "distvault_blobs"));
      assertEquals(30_000, sample(m, "distvault_blob_bytes"));
      assertEquals(2, sample(m, "distvault_distfiles{state=\"present\"}"));
      assertEquals(1, sample(m, "distvault_distfiles{state=\"failed\"}"));
      assertEquals(1, sample(m, "distvault_distfiles{state=\"missing\"}"));
      assertEquals(7, sample(m, "distvault_request_duration_seconds_count{route=\"distfiles\"}"));
      assertEquals(0, sample(m, "distvault_upstream_fetch_total{result=\"ok\"}"));
      assertEquals(0, sample(m, "distvault_ingest_total{kind=\"blob\",result=\"created\"}"));
      assertEquals(0, sample(m, "distvault_last_scrub_timestamp_seconds"));
      assertEquals(0, sample(m, "distvault_last_backup_timestamp_seconds"));
    }
  }
}
