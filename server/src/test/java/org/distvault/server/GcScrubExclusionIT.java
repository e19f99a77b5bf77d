package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A garbage collection and a scrub never run together, as the admin API answers it: {@code POST
 * /api/v1/gc} while a scrub of large blobs re-hashes them is 409 with the reason in JSON, and
 * {@code POST /api/v1/scrub} while a collection marks many expected distfiles is 409 likewise. The
 * long operation is started first and the other asked again and again until it is refused or the
 * long one has ended; should the quick one come first and refuse the long one, the round is run
 * again (a few rounds at most).
 */
@Timeout(240)
class GcScrubExclusionIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int ROUNDS = 5;
  static final int MAX_TRIES = 100_000;

  @TempDir Path data;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void gcWhileAScrubRunsIs409WithTheReason() throws Exception {
    try (TestServer s = TestServer.start(data)) {
      // Large blobs, so that a scrub re-hashes for a while (hundreds of MiB).
      long size = 24L << 20;
      for (int i = 0; i < 8; i++) {
        try (InputStream in = TestContent.stream(100 + i, size)) {
          s.server.vault().ingest(in, Expectation.of(size, TestContent.streamDigests(100 + i, size)));
        }
      }
      Refusal r = refusedDuring(s, "/api/v1/scrub", "/api/v1/gc", "{\"apply\":false}");
      assertEquals(409, r.refused().statusCode(), r.refused().body());
      assertEquals("application/json", r.refused().headers().firstValue("Content-Type").orElse("")
          .replaceAll(";.*", ""));
      JsonNode body = JSON.readTree(r.refused().body());
      assertEquals("a scrub is running", body.path("error").asText(), r.refused().body());
      assertEquals(200, r.longOne().statusCode(), r.longOne().body());
      assertEquals(8, JSON.readTree(r.longOne().body()).path("checked").asLong(), "the scrub went on to the end");
      HttpResponse<String> after = post(s, "/api/v1/gc", "{\"apply\":false}");
      assertEquals(200, after.statusCode(), "free again: " + after.body());
      assertEquals(8, JSON.readTree(after.body()).path("garbage").path("count").asLong());
    }
  }

  @Test
  void aScrubWhileAGarbageCollectionRunsIs409WithTheReason() throws Exception {
    try (TestServer s = TestServer.start(data)) {
      // Many expected distfiles without a blob: the collection looks each of their digests up.
      Random random = new Random(7);
      HexFormat hex = HexFormat.of();
      List<ExpectedDistfile> expected = new ArrayList<>();
      for (int i = 0; i < 60_000; i++) {
        byte[] sha512 = new byte[64];
        byte[] blake2s = new byte[32];
        random.nextBytes(sha512);
        random.nextBytes(blake2s);
        expected.add(new ExpectedDistfile(DistfileName.of("d-" + i + ".tgz"), OptionalLong.of(1000 + i),
            Digests.fromHex(Map.of("SHA512", hex.formatHex(sha512), "BLAKE2s", hex.formatHex(blake2s))),
            Set.of("cat/d"), List.of()));
        if (expected.size() == 10_000) {
          s.server.vault().expect(expected);
          expected.clear();
        }
      }
      s.server.vault().ingest(TestContent.stream(9, 1000), Expectation.of(1000, TestContent.streamDigests(9, 1000)));
      Refusal r = refusedDuring(s, "/api/v1/gc", "/api/v1/scrub", "");
      assertEquals(409, r.refused().statusCode(), r.refused().body());
      JsonNode body = JSON.readTree(r.refused().body());
      assertEquals("a garbage collection is running", body.path("error").asText(), r.refused().body());
      assertEquals(200, r.longOne().statusCode(), r.longOne().body());
      assertEquals(1, JSON.readTree(r.longOne().body()).path("garbage").path("count").asLong(),
          "the collection went on to the end");
      HttpResponse<String> after = post(s, "/api/v1/scrub", "");
      assertEquals(200, after.statusCode(), "free again: " + after.body());
      assertEquals(1, JSON.readTree(after.body()).path("checked").asLong());
    }
  }

  /** The refusal of {@code quick} seen while {@code longPath} ran, and the long one's answer. */
  record Refusal(HttpResponse<String> refused, HttpResponse<String> longOne) {}

  private Refusal refusedDuring(TestServer s, String longPath, String quick, String quickBody) throws Exception {
    List<String> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      CompletableFuture<HttpResponse<String>> longOne = http.sendAsync(request(s, longPath, ""),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> refused = null;
      int oks = 0;
      for (int i = 0; i < MAX_TRIES && refused == null && !longOne.isDone(); i++) {
        HttpResponse<String> q = post(s, quick, quickBody);
        if (q.statusCode() == 409) {
          refused = q;
        } else {
          assertEquals(200, q.statusCode(), q.body());
          oks++;
        }
      }
      HttpResponse<String> answer = longOne.get(120, TimeUnit.SECONDS);
      if (refused != null && answer.statusCode() == 200) {
        return new Refusal(refused, answer);
      }
      // The quick one ran first and the long one was refused, or it ended before any was asked.
      rounds.add("long " + answer.statusCode() + " " + answer.body().strip() + " after " + oks + " quick answers");
    }
    throw new AssertionError("no round saw " + quick + " refused while " + longPath + " ran: " + rounds);
  }

  private HttpResponse<String> post(TestServer s, String path, String body) throws IOException, InterruptedException {
    return http.send(request(s, path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(TestServer s, String path, String body) {
    return HttpRequest.newBuilder(URI.create(s.base() + path))
        .header("Authorization", "Bearer " + s.token())
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
