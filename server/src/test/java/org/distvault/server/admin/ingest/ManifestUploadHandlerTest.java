package org.distvault.server.admin.ingest;

import static org.distvault.server.admin.ingest.IngestServer.JSON;
import static org.distvault.server.admin.ingest.IngestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntFunction;
import org.distvault.prefetch.manifest.ManifestLine;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Variant;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/manifest over a real Undertow into a real catalog. */
@Timeout(300)
class ManifestUploadHandlerTest {
  @TempDir Path data;
  private IngestServer server;

  @BeforeEach
  void start() throws IOException {
    server = IngestServer.start(data);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** A valid manifest line for distfile {@code i}, with made-up but well-formed digests. */
  static String line(int i) {
    String sha512 = String.format("%0128x", i);
    String blake2s = String.format("%064x", i + 7);
    return "{\"name\":\"dist-" + i + ".tar.gz\",\"pkgpaths\":[\"cat/pkg" + i + "\"],\"size\":" + (1000 + i)
        + ",\"digests\":{\"sha512\":\"" + sha512 + "\",\"blake2s\":\"" + blake2s + "\"},"
        + "\"urls\":[\"https://example.org/dist/dist-" + i + ".tar.gz\"]}";
  }

  /** {@code count} lines made by {@code line}, generated as they are sent (never all in memory). */
  static InputStream lines(int count, IntFunction<String> line) {
    return new InputStream() {
      private int next;
      private byte[] current = new byte[0];
      private int pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos == current.length) {
          if (next == count) {
            return -1;
          }
          current = (line.apply(next++) + "\n").getBytes(StandardCharsets.UTF_8);
          pos = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  private HttpResponse<String> upload(InputStream body) throws IOException, InterruptedException {
    return server.send(HttpRequest.newBuilder(server.uri("/api/v1/manifest"))
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build());
  }

  private HttpResponse<String> upload(String body) throws IOException, InterruptedException {
    return upload(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The exact reply body. */
  private static String counts(long entries, long created, long merged) {
    return "{\"entries\":" + entries + ",\"created\":" + created + ",\"merged\":" + merged + "}\n";
  }

  /** What the prefetch tool's reader says about each malformed line of {@code text}. */
  private static List<String> readerErrors(String text) throws IOException {
    List<String> errors = new ArrayList<>();
    try (ManifestReader r = new ManifestReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
      for (ManifestLine l = r.next(); l != null; l = r.next()) {
        if (l instanceof ManifestLine.Malformed m) {
          errors.add(m.error().toString());
        }
      }
    }
    return errors;
  }

  @Test
  void twoHundredThousandLinesInOneRequestAreAllRecorded() throws Exception {
    int n = 200_000;
    HttpResponse<String> r = upload(lines(n, ManifestUploadHandlerTest::line));

    assertEquals(200, r.statusCode(), r.body());
    assertEquals(counts(n, n, 0), r.body());
    assertEquals(n, server.vault.stats().names());
    assertEquals(n, server.vault.stats().variants());
    for (int i : new int[] {0, 1, 99_999, 199_999}) {
      DistfileRecord rec = server.vault.distfile(DistfileName.of("dist-" + i + ".tar.gz")).orElseThrow();
      Variant v = rec.variants().get(0);
      assertEquals(OptionalLong.of(1000 + i), v.size());
      assertEquals(Set.of("cat/pkg" + i), v.pkgpaths());
      assertEquals(List.of("https://example.org/dist/dist-" + i + ".tar.gz"), v.urls());
      assertEquals(String.format("%0128x", i), v.digests().get(DigestAlgorithm.SHA512).orElseThrow().hex());
    }
    assertEquals(List.of(), TestContent.tmpFiles(data), "the spool file is gone");
    assertEquals(List.of("manifest:ok"), server.events);
  }

  @Test
  void sendingTheSameManifestAgainMergesEverything() throws Exception {
    upload(lines(50, ManifestUploadHandlerTest::line));
    HttpResponse<String> again = upload(lines(50, ManifestUploadHandlerTest::line));
    assertEquals(counts(50, 0, 50), again.body());
    assertEquals(50, server.vault.stats().variants());
  }

  @Test
  void malformedLinesRejectTheWholeManifestAndStoreNothing() throws Exception {
    String text = line(0) + "\n{\"size\":1}\n" + line(2) + "\nnot json\n\n"
        + "{\"name\":\"a/../b\",\"size\":1}\n" + line(5) + "\n";
    HttpResponse<String> r = upload(text);

    assertEquals(400, r.statusCode(), r.body());
    List<String> expected = readerErrors(text);
    assertEquals(3, expected.size(), expected::toString);
    assertEquals("line 2: missing name", expected.get(0));
    assertEquals("line 4: ", expected.get(1).substring(0, 8));
    assertEquals("line 6: ", expected.get(2).substring(0, 8));
    ObjectNode want = JSON.createObjectNode().put("error", "line 2: missing name");
    ArrayNode errors = want.putArray("errors");
    expected.forEach(errors::add);
    want.put("malformedLines", 3);
    assertEquals(want, json(r));
    assertEquals(0, server.vault.stats().names(), "nothing stored");
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of("manifest:bad_request"), server.events);
  }

  /** Line {@code i} with another PKGPATH, size or SHA-512. */
  static String line(int i, String pkgpath, long size, int sha512) {
    return "{\"name\":\"dist-" + i + ".tar.gz\",\"pkgpaths\":[\"" + pkgpath + "\"],\"size\":" + size
        + ",\"digests\":{\"sha512\":\"" + String.format("%0128x", sha512) + "\"}}";
  }

  @Test
  void linesDisagreeingAboutOnePackagesFileAreRejectedNamingBothLinesAndNothingIsStored() throws Exception {
    String text = line(0) + "\n" + line(1) + "\n" + line(0, "cat/pkg0", 1000, 99) + "\n" + line(2) + "\n"
        + line(1, "cat/pkg1", 7, 1) + "\n";
    HttpResponse<String> r = upload(text);

    assertEquals(400, r.statusCode(), r.body());
    String first = "line 3: dist-0.tar.gz for PKGPATH cat/pkg0 conflicts with line 1: SHA512 differs";
    ObjectNode want = JSON.createObjectNode().put("error", first);
    want.putArray("errors").add(first)
        .add("line 5: dist-1.tar.gz for PKGPATH cat/pkg1 conflicts with line 2: size 7 differs from 1001");
    want.put("malformedLines", 2);
    assertEquals(want, json(r));
    assertEquals(List.of(), readerErrors(text), "each line is valid on its own");
    assertEquals(0, server.vault.stats().names(), "nothing stored");
    assertEquals(List.of(), TestContent.tmpFiles(data));
  }

  @Test
  void repeatedIdenticalLinesAreAcceptedAsBefore() throws Exception {
    HttpResponse<String> r = upload(line(0) + "\n" + line(1) + "\n" + line(0) + "\n" + line(0) + "\n");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(counts(4, 2, 2), r.body());
    assertEquals(2, server.vault.stats().variants());
  }

  @Test
  void otherContentForAnotherPkgpathIsAVariantAndAccepted() throws Exception {
    HttpResponse<String> r = upload(line(0) + "\n" + line(0, "cat/other", 5, 42) + "\n");
    assertEquals(200, r.statusCode(), r.body());
    DistfileRecord rec = server.vault.distfile(DistfileName.of("dist-0.tar.gz")).orElseThrow();
    assertEquals(2, rec.variants().size());
    assertEquals(Set.of("cat/pkg0"), rec.variants().get(0).pkgpaths());
    assertEquals(Set.of("cat/other"), rec.variants().get(1).pkgpaths());
  }

  @Test
  void twoSpellingsOfOneAlgorithmWithDifferentValuesAreRejected() throws Exception {
    String text = "{\"name\":\"dist-0.tar.gz\",\"pkgpaths\":[\"cat/pkg0\"],\"digests\":{\"SHA512\":\""
        + String.format("%0128x", 1) + "\",\"sha512\":\"" + String.format("%0128x", 2) + "\"}}\n";
    HttpResponse<String> r = upload(text);
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("line 1: digests 'SHA512' and 'sha512' are both SHA512 but differ", json(r).path("error").asText());
    assertEquals(0, server.vault.stats().names(), "nothing stored");
  }

  @Test
  void atMostAHundredErrorsAreListedButAllAreCounted() throws Exception {
    HttpResponse<String> r = upload(lines(300, i -> i % 2 == 0 ? line(i) : "{\"name\":\"x" + i + "\"}"));
    assertEquals(400, r.statusCode());
    JsonNode body = json(r);
    assertEquals(100, body.path("errors").size());
    assertEquals(150, body.path("malformedLines").asLong());
    assertEquals("line 2: neither size nor digests: nothing to verify the file against", body.path("error").asText());
    assertEquals("line 200: neither size nor digests: nothing to verify the file against",
        body.path("errors").get(99).asText());
    assertEquals(0, server.vault.stats().names());
  }

  @Test
  void emptyManifestRecordsNothing() throws Exception {
    HttpResponse<String> r = upload("\n\n");
    assertEquals(200, r.statusCode());
    assertEquals(counts(0, 0, 0), r.body());
  }

  @Test
  void offlineIs409AndNothingIsStored() throws Exception {
    server.goOffline("offline since 2026-11-22T10:00:00Z: uploads are refused");
    HttpResponse<String> r = upload(lines(10, ManifestUploadHandlerTest::line));
    assertEquals(409, r.statusCode());
    assertEquals(JSON.createObjectNode().put("error", "offline since 2026-11-22T10:00:00Z: uploads are refused"), json(r));
    assertEquals(0, server.vault.stats().names());
    assertEquals(List.of("manifest:refused"), server.events);
  }
}
