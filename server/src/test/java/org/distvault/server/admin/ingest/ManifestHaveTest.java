package org.distvault.server.admin.ingest;

import static org.distvault.server.admin.ingest.IngestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.server.admin.UploadGate;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.Resolution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/manifest?have=1} over a real Undertow and Vault: the answer names the held
 * entries as {@code have} would (and binds them); without the parameter the answer is as before
 * and {@code have} still answers (an older client); the prefetch tool's reading of the answer.
 */
@Timeout(120)
class ManifestHaveTest {
  @TempDir Path data;
  private IngestServer server;
  private final byte[] held = TestContent.bytes(1, 70_000);
  private final byte[] other = TestContent.bytes(2, 500);

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private StoredBlob start() throws IOException {
    server = IngestServer.start(data);
    return ingestHeld();
  }

  private StoredBlob ingestHeld() throws IOException {
    return server.vault.ingest(new ByteArrayInputStream(held),
        Expectation.of(held.length, TestContent.distinfoDigests(held)));
  }

  /** Missing, held, (a blank line), size only, held under another name. */
  private List<ExpectedDistfile> entries() {
    return List.of(
        TestContent.entry("other.tgz", "cat/other", other, "https://example.org/other.tgz"),
        TestContent.entry("a-1.0.tgz", "cat/a", held, "https://example.org/a-1.0.tgz"),
        new ExpectedDistfile(DistfileName.of("size-only.tgz"), OptionalLong.of(held.length), Digests.empty(),
            Set.of("cat/s"), List.of()),
        TestContent.entry("b-1.0.tgz", "cat/b", held));
  }

  private static String manifest(List<ExpectedDistfile> entries) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ManifestWriter w = new ManifestWriter(buf)) {
      for (int i = 0; i < entries.size(); i++) {
        w.write(entries.get(i));
        if (i == 1) {
          w.flush();
          buf.write("\n  \n".getBytes(StandardCharsets.UTF_8)); // blank lines count no entry
        }
      }
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  private Optional<String> boundBlob(String name, String pkgpath) {
    Resolution r = server.vault.locate(DistfileName.of(name), Optional.ofNullable(pkgpath)).resolution();
    return r.blob().map(d -> d.hex());
  }

  private ServerClient client() {
    return new ServerClient(URI.create("http://127.0.0.1:" + server.port() + "/"), "unused",
        Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @Test
  void withHaveTheAnswerNamesTheHeldEntriesAndBindsThem() throws Exception {
    StoredBlob blob = start();
    HttpResponse<String> r = server.post("/api/v1/manifest?have=1", manifest(entries()));

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":4,\"created\":4,\"merged\":0,\"present\":[1,3]}\n", r.body());
    assertEquals(Optional.of(blob.sha512().hex()), boundBlob("a-1.0.tgz", "cat/a"));
    assertEquals(Optional.of(blob.sha512().hex()), boundBlob("b-1.0.tgz", "cat/b"));
    assertEquals(Optional.empty(), boundBlob("size-only.tgz", "cat/s"));
    assertEquals(List.of("manifest:ok"), server.events);
    // The same answer as have's, which now finds the bound variants.
    assertEquals(BitSet.valueOf(new long[] {0b1010}), client().have(entries()));
    assertEquals(Optional.of(BitSet.valueOf(new long[] {0b1010})), ServerClient.heldInManifestReply(json(r), 4));

    HttpResponse<String> again = server.post("/api/v1/manifest?have=1", manifest(entries()));
    assertEquals("{\"entries\":4,\"created\":0,\"merged\":4,\"present\":[1,3]}\n", again.body());
  }

  @Test
  void aManifestMixingBoundNamesAndNewOnesAnswersForBoth() throws Exception {
    StoredBlob blob = start();
    List<ExpectedDistfile> first = List.of(entries().get(1));
    assertEquals("{\"entries\":1,\"created\":1,\"merged\":0,\"present\":[0]}\n",
        server.post("/api/v1/manifest?have=1", manifest(first)).body());
    List<ExpectedDistfile> mixed = List.of(entries().get(0), entries().get(1),
        TestContent.entry("c-2.0.tgz", "cat/c", held));
    HttpResponse<String> r = server.post("/api/v1/manifest?have=1", manifest(mixed));
    assertEquals("{\"entries\":3,\"created\":2,\"merged\":1,\"present\":[1,2]}\n", r.body());
    assertEquals(Optional.of(blob.sha512().hex()), boundBlob("c-2.0.tgz", "cat/c"));
  }

  @Test
  void nothingHeldAnswersAnEmptyList() throws Exception {
    server = IngestServer.start(data);
    HttpResponse<String> r = server.post("/api/v1/manifest?have=1", manifest(entries()));
    assertEquals("{\"entries\":4,\"created\":4,\"merged\":0,\"present\":[]}\n", r.body());
    assertEquals(Optional.of(new BitSet()), ServerClient.heldInManifestReply(json(r), 4));
  }

  @Test
  void withoutHaveTheAnswerIsAsBeforeAndHaveStillAnswers() throws Exception {
    StoredBlob blob = start();
    HttpResponse<String> r = server.post("/api/v1/manifest", manifest(entries()));

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":4,\"created\":4,\"merged\":0}\n", r.body());
    assertEquals(Optional.empty(), boundBlob("a-1.0.tgz", "cat/a"), "nothing bound by the upload alone");
    assertEquals(Optional.empty(), ServerClient.heldInManifestReply(json(r), 4), "the tool asks have then");
    assertEquals(BitSet.valueOf(new long[] {0b1010}), client().have(entries()));
    assertEquals(Optional.of(blob.sha512().hex()), boundBlob("a-1.0.tgz", "cat/a"));
  }

  @Test
  void anotherValueOfHaveIsRefusedAndNothingIsStored() throws Exception {
    start();
    HttpResponse<String> r = server.post("/api/v1/manifest?have=yes", manifest(entries()));

    assertEquals(400, r.statusCode(), r.body());
    assertEquals("query parameter have must be 1 (answer which entries the cache holds), got yes",
        json(r).path("error").asText());
    assertEquals(0, server.vault.stats().names());
  }

  @Test
  void whileTheGateRefusesTheUploadIsRefusedWhole() throws Exception {
    start();
    server.goOffline("sealed for the test");
    HttpResponse<String> r = server.post("/api/v1/manifest?have=1", manifest(entries()));

    assertEquals(409, r.statusCode(), r.body());
    assertEquals(0, server.vault.stats().names());
  }

  @Test
  void aManifestTooLargeToKeepAnswersWithoutPresentSoTheToolAsksHave() throws Exception {
    server = IngestServer.start(data,
        v -> new ManifestUploadHandler(v, v::defaultSet, UploadGate.OPEN, (k, res) -> { }, 100), "/small/manifest");
    ingestHeld();
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri("/small/manifest?have=1"))
        .POST(HttpRequest.BodyPublishers.ofString(manifest(entries()))).build());

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"entries\":4,\"created\":4,\"merged\":0}\n", r.body());
    assertEquals(Optional.empty(), ServerClient.heldInManifestReply(json(r), 4));
  }

  @Test
  void theToolRefusesAnAnswerWithIndexesOutOfRangeOrOrderAndIgnoresOneAboutOtherEntries() throws Exception {
    assertThrows(IOException.class, () -> ServerClient.heldInManifestReply(
        IngestServer.JSON.readTree("{\"entries\":4,\"present\":[4]}"), 4));
    assertThrows(IOException.class, () -> ServerClient.heldInManifestReply(
        IngestServer.JSON.readTree("{\"entries\":4,\"present\":[2,1]}"), 4));
    assertThrows(IOException.class, () -> ServerClient.heldInManifestReply(
        IngestServer.JSON.readTree("{\"entries\":4,\"present\":[\"1\"]}"), 4));
    assertFalse(ServerClient.heldInManifestReply(
        IngestServer.JSON.readTree("{\"entries\":5,\"present\":[1]}"), 4).isPresent());
  }
}
