package org.distvault.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar, as an operator runs it, on a real 64 MiB tmpfs that fills up under a flood of
 * offline misses: the log (stderr, the jar's own logging setup) gets a few lines, not a stack
 * trace per miss as before (2.7 MB for the same flood); {@code /healthz} says degraded and why;
 * after space is freed and the server restarted, {@code violations.jsonl} holds exactly what
 * {@code GET /api/v1/violations} lists. Needs root for the mount (skipped otherwise).
 */
class DiskFullJarIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MISSES = 200;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir Path dir;

  @Test
  void aFloodOfMissesOnAFullDiskCostsAFewLogLinesAndTheFileCatchesUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Path fs = Files.createDirectories(dir.resolve("fs"));
    Exec.of("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", fs.toString()).run().expect(0);
    try {
      Path data = fs.resolve("data");
      Path filler = fs.resolve("filler");
      Map<Integer, Integer> statuses = new TreeMap<>();
      try (JarServer s = JarServer.start(data, dir, "--mode", "offline", "--min-free-space", "4M")) {
        assertEquals(404, get(s, "distfiles/before-1.0.tgz").statusCode());
        fill(filler, 64L << 20);
        int logBefore = s.stderr().length();
        for (int i = 0; i < MISSES; i++) {
          statuses.merge(get(s, "distfiles/full-" + i + ".tgz").statusCode(), 1, Integer::sum);
        }
        JsonNode health = JSON.readTree(s.health().body());
        String during = s.stderr().substring(logBefore);
        List<String> lines = during.lines().toList();
        List<String> notViolations = lines.stream().filter(l -> !l.contains(" violation ")).toList();
        System.out.printf("jar on a full 64 MiB tmpfs: %d misses %s, %d log lines (%d bytes), %d of them not a "
            + "violation's own line: %s; /healthz %s%n", MISSES, statuses, lines.size(), during.length(),
            notViolations.size(), notViolations, health);
        assertTrue(statuses.keySet().stream().allMatch(c -> c == 404 || c == 503), statuses.toString());
        assertEquals("degraded", health.path("status").asText(), health.toString());
        assertFalse(during.contains("\tat "), "no stack traces: " + during);
        assertTrue(notViolations.size() <= 3, "a line per condition, not per miss: " + notViolations);
        assertTrue(during.length() < 64 * 1024, during.length() + " bytes of log");
        assertEquals(143, s.terminate());
      }
      Files.delete(filler);
      try (JarServer s = JarServer.start(data, dir, "--min-free-space", "4M")) {
        JsonNode health = JSON.readTree(s.health().body());
        assertEquals("ok", health.path("status").asText(), health.toString());
        String token = Files.readAllLines(data.resolve("admin.token"), UTF_8).get(0).strip();
        HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "api/v1/violations?limit=10000"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        List<JsonNode> catalog = new ArrayList<>();
        JSON.readTree(listed.body()).path("violations").forEach(catalog::add);
        List<JsonNode> file = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("log/violations.jsonl"), UTF_8)) {
          file.add(JSON.readTree(line));
        }
        assertEquals(1 + statuses.getOrDefault(404, 0), catalog.size(), "recorded: the one before and each 404");
        assertEquals(catalog, file);
        assertEquals(143, s.terminate());
      }
    } finally {
      Exec.of("umount", "-l", fs.toString()).run().expect(0);
    }
  }

  private static HttpResponse<String> get(JarServer s, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Writes {@code filler} until the file system is full; bounded by its size. */
  private static void fill(Path filler, long size) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (long i = 0; i < size / chunk.length + 16; i++) {
        out.write(chunk);
      }
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("No space left on device")) {
        return;
      }
      throw e;
    }
    throw new IllegalStateException(filler + " did not fill its file system");
  }
}
