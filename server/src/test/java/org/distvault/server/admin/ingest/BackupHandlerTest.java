package org.distvault.server.admin.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.distvault.server.admin.IngestListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/backup over a real Undertow and Vault: the body's rules, a full target, one at a time. */
@Timeout(60)
class BackupHandlerTest {
  @TempDir Path data;
  @TempDir Path tmp;
  private IngestServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theBodyIsExactlyAnAbsoluteTarget() throws Exception {
    server = IngestServer.start(data, v -> new BackupHandler(v, IngestListener.NONE, r -> { }), "/backup");
    assertEquals(400, server.post("/backup", "").statusCode());
    assertEquals(400, server.post("/backup", "[]").statusCode());
    assertEquals(400, server.post("/backup", "{\"to\":1}").statusCode());
    HttpResponse<String> extra = server.post("/backup", "{\"to\":\"" + tmp.resolve("b") + "\",\"x\":1}");
    assertEquals(400, extra.statusCode());
    assertTrue(extra.body().contains("unknown field 'x'"), extra.body());
    HttpResponse<String> relative = server.post("/backup", "{\"to\":\"b\"}");
    assertEquals(400, relative.statusCode());
    assertTrue(relative.body().contains("absolute"), relative.body());
    Files.writeString(Files.createDirectories(tmp.resolve("full")).resolve("x"), "x");
    HttpResponse<String> full = server.post("/backup", "{\"to\":\"" + tmp.resolve("full") + "\"}");
    assertEquals(400, full.statusCode());
    assertTrue(full.body().contains("exists and is not empty"), full.body());

    HttpResponse<String> ok = server.post("/backup", "{\"to\":\"" + tmp.resolve("b") + "\"}");
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("\"store\":\"" + server.vault.storeId() + "\""), ok.body());
    assertTrue(Files.exists(tmp.resolve("b/backup.json")));
  }

  @Test
  void secondBackupWhileOneRunsIs409() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server = IngestServer.start(data, v -> new BackupHandler(to -> {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return v.backup(to);
    }, IngestListener.NONE), "/held/backup");

    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
      try {
        return server.post("/held/backup", "{\"to\":\"" + tmp.resolve("one") + "\"}");
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    started.await(30, TimeUnit.SECONDS);
    HttpResponse<String> second = server.post("/held/backup", "{\"to\":\"" + tmp.resolve("two") + "\"}");
    release.countDown();

    assertEquals(409, second.statusCode());
    assertEquals("{\"error\":\"a backup is already running\"}\n", second.body());
    assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
    assertEquals(200, server.post("/held/backup", "{\"to\":\"" + tmp.resolve("two") + "\"}").statusCode());
  }
}
