package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.LogKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault backup} against a server under load (uploads, and misses through a sealed set
 * that are violations), then {@code serve --data} on the backup: the same store, sets, states,
 * seals, violations (as many as at the backup point) and audit trail.
 */
@Timeout(180)
class BackupCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path data;
  @TempDir Path tmp;

  @Test
  void aBackupTakenUnderLoadServesAsTheStoreDidAtTheBackupPoint() throws Exception {
    byte[] a = TestContent.bytes(21, 30_000);
    byte[] b = TestContent.bytes(22, 40_000);
    Path backup = tmp.resolve("backup");
    JsonNode manifest;
    JsonNode setsBefore;
    String storeId;
    try (CliServer env = CliServer.start(data)) {
      Upstream up = env.upstream();
      up.on("/a.tgz", Upstream.file(a)).on("/b.tgz", Upstream.file(b));
      List<ExpectedDistfile> entries = List.of(TestContent.entry("a-1.0.tgz", "cat/a", a, up.url("/a.tgz")),
          TestContent.entry("b-1.0.tgz", "cat/b", b, up.url("/b.tgz")));
      Path m = CliServer.writeManifest(tmp.resolve("q.jsonl"), entries);
      CliRun prefetch = env.cli("prefetch", "--set", "q", "--manifest", m.toString(), "--report",
          tmp.resolve("report.json").toString(), "--work-dir", tmp.resolve("work").toString());
      assertEquals(0, prefetch.code(), prefetch.toString());
      CliRun seal = env.cli("seal", "q", "--reason", "build q");
      assertEquals(0, seal.code(), seal.toString());
      storeId = env.server().vault().storeId();

      // Load: uploads of new blobs, and misses in the sealed set (each one a violation).
      String token = env.server().token().token();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch going = new CountDownLatch(2);
      AtomicInteger uploads = new AtomicInteger();
      AtomicInteger misses = new AtomicInteger();
      Future<?> up1 = pool.submit(() -> {
        for (int i = 0; i < 40; i++) {
          byte[] c = TestContent.bytes(1000 + i, 4000 + i);
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                  URI.create(env.url() + "/api/v1/blobs/sha512/" + TestContent.sha512(c)))
              .header("Authorization", "Bearer " + token)
              .PUT(HttpRequest.BodyPublishers.ofByteArray(c)).build(), HttpResponse.BodyHandlers.ofString());
          assertTrue(r.statusCode() / 100 == 2, r.body());
          if (uploads.incrementAndGet() == 3) {
            going.countDown();
          }
        }
        return null;
      });
      Future<?> miss = pool.submit(() -> {
        for (int i = 0; i < 150; i++) {
          HttpResponse<byte[]> r = env.get("/set/q/distfiles/missing-" + i + ".tgz");
          assertEquals(404, r.statusCode());
          if (misses.incrementAndGet() == 10) {
            going.countDown();
          }
        }
        return null;
      });
      assertTrue(going.await(60, TimeUnit.SECONDS));
      CliRun run = env.cli("backup", "--to", backup.toString());
      assertEquals(0, run.code(), run.toString());
      manifest = JSON.readTree(run.out());
      assertTrue(run.err().startsWith("backup: " + backup), run.err());
      assertTrue(run.err().contains("restore with: distvault serve --data " + backup), run.err());
      up1.get(120, TimeUnit.SECONDS);
      miss.get(120, TimeUnit.SECONDS);
      pool.shutdown();
      setsBefore = JSON.readTree(env.api("/api/v1/sets").body()).path("sets");

      // A second backup into the same (now full) directory is refused, with the reason.
      CliRun again = env.cli("backup", "--to", backup.toString());
      assertEquals(1, again.code(), again.toString());
      assertTrue(again.err().contains("exists and is not empty"), again.toString());
      CliRun relative = env.cli("backup", "--to", "relative/dir");
      assertEquals(2, relative.code(), relative.toString());
      assertTrue(env.server().vault().lastCursor(LogKind.VIOLATIONS) >= manifest.path("violations").path("cursor")
          .asLong());
    }

    assertEquals(storeId, manifest.path("store").asText());
    assertEquals(backup.toString(), manifest.path("directory").asText());
    long violations = manifest.path("violations").path("count").asLong();
    assertEquals(violations, manifest.path("violations").path("cursor").asLong(), "no holes");
    assertTrue(violations >= 10, manifest.toString());
    assertEquals(0, manifest.path("blobs").path("missing").size());
    assertEquals(manifest.path("blobs").path("count").asLong(), manifest.path("blobs").path("linked").asLong()
        + manifest.path("blobs").path("copied").asLong());
    assertEquals(JSON.readTree(Files.readString(backup.resolve("backup.json"))), manifest);
    assertTrue(Files.notExists(backup.resolve("admin.token")));

    try (CliServer restored = CliServer.start(backup)) {
      assertEquals(storeId, restored.server().vault().storeId());
      assertEquals(violations, restored.server().vault().lastCursor(LogKind.VIOLATIONS));
      // Same sets and states; the sealed set's seal digest as before.
      JsonNode sets = JSON.readTree(restored.api("/api/v1/sets").body()).path("sets");
      assertEquals(setsBefore.size(), sets.size());
      for (int i = 0; i < sets.size(); i++) {
        assertEquals(setsBefore.get(i).path("name"), sets.get(i).path("name"));
        assertEquals(setsBefore.get(i).path("state"), sets.get(i).path("state"));
        assertEquals(setsBefore.get(i).path("seal"), sets.get(i).path("seal"));
      }
      JsonNode q = JSON.readTree(restored.api("/api/v1/sets/q").body());
      assertEquals("sealed", q.path("state").asText());
      for (JsonNode s : manifest.path("sets")) {
        if (s.path("name").asText().equals("q")) {
          assertEquals(s.path("seal").path("digest"), q.path("seal").path("digest"));
        }
      }
      // The sealed files are served; the audit trail is there.
      assertArrayEquals(a, restored.get("/set/q/distfiles/a-1.0.tgz").body());
      JsonNode audit = JSON.readTree(restored.api("/api/v1/sets/q/audit").body()).path("entries");
      assertTrue(audit.size() >= 1, audit.toString());
      assertEquals("build q", audit.get(audit.size() - 1).path("reason").asText(), audit.toString());
      // The violations file holds exactly the backup's violations (completed at start if it lagged).
      List<String> lines = Files.readAllLines(backup.resolve("log/violations.jsonl"));
      assertEquals(violations, lines.size());
      // A new token: the backup has none.
      assertNotEquals(null, restored.server().token().token());
    }
  }
}
