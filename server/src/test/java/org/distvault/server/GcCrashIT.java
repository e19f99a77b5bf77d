package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGKILL of {@code distvault serve} in the middle of {@code gc --apply} loses no live blob and
 * leaves no catalog record without its file; the next collection finishes the job.
 */
@Timeout(300)
class GcCrashIT {
  static final int ROUNDS = 3;
  static final int GARBAGE = 120;

  @TempDir Path data;
  @TempDir Path scratch;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aKillDuringGcApplyLosesNoLiveBlobAndLeavesNoRecordWithoutItsFile() throws Exception {
    List<ExpectedDistfile> live = new ArrayList<>();
    List<byte[]> liveBytes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] content = TestContent.bytes(1000 + i, 3000 + i);
      liveBytes.add(content);
      live.add(TestContent.entry("live-" + i + ".tgz", "cat/p", content, "http://127.0.0.1:9/live-" + i));
    }
    int seed = 5000;
    for (int round = 0; round < ROUNDS; round++) {
      try (ChildServer child = ChildServer.start(data, scratch)) {
        String token = Files.readAllLines(data.resolve("admin.token")).get(0);
        SetClient c = new SetClient(child.base(), token);
        if (round == 0) {
          for (byte[] content : liveBytes) {
            c.blob(content, scratch);
          }
          c.manifest("A", live);
          assertEquals(live.size(), c.have("A", live).cardinality());
        }
        for (int i = 0; i < GARBAGE; i++) {
          c.blob(TestContent.bytes(seed++, 2000), scratch);
        }
        int before = count(data.resolve("blobs").toFile());
        CompletableFuture<HttpResponse<String>> gc = http.sendAsync(HttpRequest.newBuilder(
                URI.create(child.base() + "/api/v1/gc"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"apply\":true}")).build(),
            HttpResponse.BodyHandlers.ofString());
        // Kill once the sweep has deleted a few (bounded wait), at a different point each round.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count(data.resolve("blobs").toFile()) > before - 1 - round * 7 && System.nanoTime() < deadline
            && !gc.isDone()) {
          Thread.sleep(1);
        }
        assertEquals(137, child.kill());
        int after = count(data.resolve("blobs").toFile());
        assertTrue(after < before && after > live.size(), "killed in the middle of the sweep: " + before + " blob"
            + " files before, " + after + " after");
      }
      try (Vault vault = Vault.open(data)) {
        assertEquals(List.of(), vault.recovery().dropped(), "no catalog record outlived its file");
      }
    }
    try (ChildServer child = ChildServer.start(data, scratch)) {
      SetClient c = new SetClient(child.base(), Files.readAllLines(data.resolve("admin.token")).get(0));
      for (int i = 0; i < live.size(); i++) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(child.base() + "/set/A/pkg/cat/p/live-"
            + i + ".tgz")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "live-" + i);
        assertArrayEquals(liveBytes.get(i), r.body(), "live-" + i);
      }
      JsonNode done = c.gc(true);
      assertEquals(done.path("garbage").path("count").asLong(), done.path("freed").path("count").asLong(),
          done.toString());
      assertEquals(live.size(), TestContent.blobFiles(data).size(), "only the live blobs are left");
      assertEquals(0, c.gc(false).path("garbage").path("count").asLong());
      JsonNode scrub = c.get("api/v1/stats");
      assertTrue(scrub.isObject());
    }
  }

  /** Files under {@code dir}, while files are being deleted (File.list does not throw for a vanished one). */
  private static int count(java.io.File dir) {
    String[] names = dir.list();
    if (names == null) {
      return dir.isFile() ? 1 : 0;
    }
    int n = 0;
    for (String name : names) {
      if (!name.startsWith(".")) {
        n += count(new java.io.File(dir, name));
      }
    }
    return n;
  }
}
