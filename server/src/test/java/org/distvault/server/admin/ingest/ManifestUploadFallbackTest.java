package org.distvault.server.admin.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distvault.server.admin.UploadGate;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST of a manifest larger than the handler keeps parsed in memory: the entries are read again
 * from the spool file, with the same answers as a manifest that is kept.
 */
@Timeout(120)
class ManifestUploadFallbackTest {
  /** Bytes kept: some 40 of the test's lines. */
  private static final long KEEP = 10_000;

  @TempDir Path data;
  private IngestServer server;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> upload(int lines) throws Exception {
    server = IngestServer.start(data,
        v -> new ManifestUploadHandler(v, v::defaultSet, UploadGate.OPEN, (k, r) -> events.add(k + ":" + r), KEEP),
        "/small/manifest");
    return server.send(HttpRequest.newBuilder(server.uri("/small/manifest"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> ManifestUploadHandlerTest.lines(lines, ManifestUploadHandlerTest::line)))
        .build());
  }

  @Test
  void aManifestLargerThanTheKeptBytesIsReadAgainFromTheSpoolFile() throws Exception {
    int n = 3_000; // some 700 KB, 70 times what is kept
    HttpResponse<String> r = upload(n);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":" + n + ",\"created\":" + n + ",\"merged\":0}\n", r.body());
    assertEquals(n, server.vault.stats().names());
    for (int i : new int[] {0, 39, 40, 2_999}) {
      Variant v = server.vault.distfile(DistfileName.of("dist-" + i + ".tar.gz")).orElseThrow().variants().get(0);
      assertEquals(OptionalLong.of(1000 + i), v.size());
      assertEquals(List.of("https://example.org/dist/dist-" + i + ".tar.gz"), v.urls());
    }
    assertEquals(List.of(), TestContent.tmpFiles(data), "the spool file is gone");
    assertEquals(List.of("manifest:ok"), events);
  }

  /** POST of {@code lines} lines with their Content-Length (the tool's way), not chunked. */
  private HttpResponse<String> uploadWithLength(int lines, boolean noTmpDir) throws Exception {
    server = IngestServer.start(data,
        v -> new ManifestUploadHandler(v, v::defaultSet, UploadGate.OPEN, (k, r) -> events.add(k + ":" + r), KEEP),
        "/small/manifest");
    if (noTmpDir) {
      // Where the spool file would go is a plain file: only a body that is not spooled can succeed.
      Path tmp = data.resolve("tmp");
      Files.delete(tmp);
      Files.writeString(tmp, "not a directory");
    }
    byte[] body = ManifestUploadHandlerTest.lines(lines, ManifestUploadHandlerTest::line).readAllBytes();
    return server.send(HttpRequest.newBuilder(server.uri("/small/manifest"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  @Test
  void aBodyAnnouncedWithinTheBudgetIsKeptWithoutASpoolFile() throws Exception {
    int n = 20; // some 4.6 KB, under KEEP
    HttpResponse<String> r = uploadWithLength(n, true);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":" + n + ",\"created\":" + n + ",\"merged\":0}\n", r.body());
    assertEquals(n, server.vault.stats().names());
  }

  @Test
  void aChunkedBodyIsSpooledSoItFailsWithoutTheSpoolDirectory() throws Exception {
    server = IngestServer.start(data,
        v -> new ManifestUploadHandler(v, v::defaultSet, UploadGate.OPEN, (k, r) -> events.add(k + ":" + r), KEEP),
        "/small/manifest");
    Path tmp = data.resolve("tmp");
    Files.delete(tmp);
    Files.writeString(tmp, "not a directory");
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/small/manifest"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> ManifestUploadHandlerTest.lines(20, ManifestUploadHandlerTest::line)))
        .build());

    assertEquals(500, r.statusCode(), r.body());
    assertEquals(0, server.vault.stats().names());
  }

  @Test
  void aBodyAnnouncedLargerThanTheBudgetIsReadAgainFromTheSpoolFile() throws Exception {
    int n = 3_000;
    HttpResponse<String> r = uploadWithLength(n, false);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":" + n + ",\"created\":" + n + ",\"merged\":0}\n", r.body());
    assertEquals(n, server.vault.stats().names());
    Variant v = server.vault.distfile(DistfileName.of("dist-2999.tar.gz")).orElseThrow().variants().get(0);
    assertEquals(OptionalLong.of(1000 + 2_999), v.size());
    assertEquals(List.of(), TestContent.tmpFiles(data), "the spool file is gone");
  }

  @Test
  void aSmallManifestIsKeptAndGivesTheSameAnswer() throws Exception {
    int n = 20;
    HttpResponse<String> r = upload(n);

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":" + n + ",\"created\":" + n + ",\"merged\":0}\n", r.body());
    assertEquals(n, server.vault.stats().names());
    assertEquals(List.of(), TestContent.tmpFiles(data), "the spool file is gone");
  }
}
