package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault serve} in a child JVM, killed with SIGKILL right after answering misses: every
 * answered miss is a violation after the restart, exactly once, in the catalog and in the
 * JSON-lines file, and the mode set with {@code --mode} survives. SIGTERM stops it gracefully.
 */
class ServerCrashIT {
  static final int MISSES = 40;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path scratch;

  @Test
  void everyAnsweredMissSurvivesSigkill() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, String> answered = new HashMap<>();
    try (ChildServer child = ChildServer.start(data, scratch, "--mode", "offline")) {
      assertTrue(child.stdout.get(0).contains(" mode=offline "), child.stdout.toString());
      assertEquals("MASTER_SITE_OVERRIDE= " + child.base() + "/pkg/${PKGPATH}/", child.stdout.get(3));
      assertEquals("admin token file: " + data.resolve("admin.token") + " (created)", child.stdout.get(1));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.token"))));
      for (int i = 0; i < MISSES; i++) {
        String path = "/run/crash/pkg/cat/p" + i + "/miss-" + i + ".tar.gz";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(child.base() + path))
            .header("User-Agent", "crash-test").timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("unknown: miss-" + i + ".tar.gz is in no manifest (requested for cat/p" + i + ")\n", r.body());
        answered.put(path, r.body());
      }
      assertEquals(137, child.kill());
    }

    try (TestServer s = TestServer.start(data)) {
      assertEquals(Mode.OFFLINE, s.server.modes().current(), "--mode offline survives a SIGKILL");
      List<Violation> stored = s.server.violations().read(0, 10_000);
      assertEquals(MISSES, stored.size());
      Map<String, Integer> seen = new HashMap<>();
      for (Violation v : stored) {
        seen.merge(v.path(), 1, Integer::sum);
        assertEquals("crash", v.run().orElseThrow());
        assertEquals("crash-test", v.userAgent().orElseThrow());
        assertEquals("127.0.0.1", v.client());
      }
      for (String path : answered.keySet()) {
        assertEquals(1, seen.getOrDefault(path, 0), path);
      }
      List<String> lines = Files.readAllLines(data.resolve("log/violations.jsonl"), StandardCharsets.UTF_8);
      assertEquals(MISSES, lines.size());
      for (int i = 0; i < MISSES; i++) {
        JsonNode n = JSON.readTree(lines.get(i));
        assertEquals(i + 1, n.path("cursor").asLong());
        assertTrue(answered.containsKey(n.path("path").asText()));
      }
    }
  }

  @Test
  void sigtermDrainsAndClosesTheStore() throws Exception {
    try (ChildServer child = ChildServer.start(data, scratch)) {
      assertTrue(child.stdout.get(0).contains(" mode=online "), child.stdout.toString());
      assertEquals(143, child.terminate());
      String log = child.stderr();
      assertTrue(log.contains("stopping: draining requests"), log);
      assertTrue(log.contains("stopped; " + data + " closed"), log);
    }
    // The store is closed and unlocked: it opens again, with its mode.
    try (TestServer s = TestServer.start(data)) {
      assertEquals(Mode.ONLINE, s.server.modes().current());
    }
  }
}
