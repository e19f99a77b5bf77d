package org.distvault.server.admin.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.VariantState;
import org.distvault.storage.vault.VaultBusyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/scrub over a real Undertow and Vault with real corrupted blob files. */
@Timeout(60)
class ScrubHandlerTest {
  @TempDir Path data;
  private IngestServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private StoredBlob store(byte[] content, String name) throws IOException {
    StoredBlob b = server.vault.ingest(new ByteArrayInputStream(content),
        Expectation.of(content.length, TestContent.distinfoDigests(content)));
    ExpectedDistfile e = TestContent.entry(name, "cat/" + name, content);
    server.vault.expect(e);
    DistfileRecord rec = server.vault.distfile(e.name()).orElseThrow();
    server.vault.bind(rec.ref(rec.variants().get(0)), b.sha512());
    return b;
  }

  @Test
  void scrubFindsAFlippedByteAndUnbindsItsName() throws Exception {
    server = IngestServer.start(data);
    byte[] good = TestContent.bytes(1, 20_000);
    byte[] bad = TestContent.bytes(2, 30_000);
    store(good, "good.tgz");
    StoredBlob b = store(bad, "bad.tgz");
    Files.setPosixFilePermissions(b.path(), PosixFilePermissions.fromString("rw-r--r--"));
    byte[] flipped = bad.clone();
    flipped[12_345] ^= 0x01;
    Files.write(b.path(), flipped);

    HttpResponse<String> r = server.post("/api/v1/scrub", "");

    assertEquals(200, r.statusCode(), r.body());
    String actual = TestContent.sha512(flipped);
    assertEquals("{\"checked\":2,\"bytes\":50000,\"corrupt\":[{\"sha512\":\"" + b.sha512().hex()
        + "\",\"actual\":\"" + actual + "\",\"reason\":\"content hashes to SHA512 " + actual + "\"}],\"missing\":[]}\n", r.body());
    assertEquals(Optional.empty(), server.vault.blob(b.sha512()));
    DistfileRecord rec = server.vault.distfile(org.distvault.storage.name.DistfileName.of("bad.tgz")).orElseThrow();
    assertEquals(VariantState.MISSING, rec.variants().get(0).state());
    assertEquals(List.of("scrub:corrupt", "scrub:ok"), server.events);
  }

  @Test
  void cleanStoreReportsNoCorruption() throws Exception {
    server = IngestServer.start(data);
    store(TestContent.bytes(3, 1000), "a.tgz");
    assertEquals("{\"checked\":1,\"bytes\":1000,\"corrupt\":[],\"missing\":[]}\n", server.post("/api/v1/scrub", "").body());
  }

  @Test
  void secondScrubWhileOneRunsIs409() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server = IngestServer.start(data, v -> new ScrubHandler(new ScrubRunner(() -> {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return v.scrub();
    }, v, Clock.systemUTC(), last -> { }), IngestListener.NONE), "/held/scrub");

    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
      try {
        return server.post("/held/scrub", "");
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    started.await(30, TimeUnit.SECONDS);
    HttpResponse<String> second = server.post("/held/scrub", "");
    release.countDown();

    assertEquals(409, second.statusCode());
    assertEquals("{\"error\":\"a scrub is already running\"}\n", second.body());
    assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
    assertEquals(200, server.post("/held/scrub", "").statusCode(), "the next scrub may run");
  }

  @Test
  void aScrubWhileAGarbageCollectionRunsIs409() throws Exception {
    server = IngestServer.start(data, v -> new ScrubHandler(new ScrubRunner(() -> {
      throw new VaultBusyException("a garbage collection is running");
    }, v, Clock.systemUTC(), last -> { }), IngestListener.NONE), "/busy/scrub");
    HttpResponse<String> r = server.post("/busy/scrub", "");
    assertEquals(409, r.statusCode());
    assertEquals("{\"error\":\"a garbage collection is running\"}\n", r.body());
  }
}
