package org.distvault.server.admin.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.run.PrefetchConfig;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Prefetcher;
import org.distvault.prefetch.run.Progress;
import org.distvault.prefetch.run.RunResult;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantState;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prefetch tool's real Prefetcher and ServerClient against the ingest routes: a manifest is
 * uploaded, the tool downloads from a loopback upstream and delivers, and the vault ends up
 * holding, binding and resolving every good file, while the failed ones carry their reasons.
 */
@Timeout(120)
class PrefetchToServerTest {
  @TempDir Path data;
  @TempDir Path work;
  @TempDir Path tmp;
  private IngestServer server;
  private Upstream up;

  private final List<byte[]> good = List.of(
      TestContent.bytes(1, 120_000), TestContent.bytes(2, 3_000_000), TestContent.bytes(3, 1));
  private final byte[] shared = TestContent.bytes(4, 50_000);

  @BeforeEach
  void start() throws IOException {
    server = IngestServer.start(data);
    up = new Upstream();
  }

  @AfterEach
  void stop() throws Exception {
    up.close();
    server.close();
  }

  private ServerClient client() {
    return new ServerClient(URI.create("http://127.0.0.1:" + server.port() + "/"), "token",
        Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  private List<ExpectedDistfile> scenario() {
    List<ExpectedDistfile> entries = new ArrayList<>();
    for (int i = 0; i < good.size(); i++) {
      up.on("/g" + i + ".tgz", Upstream.file(good.get(i)));
      entries.add(TestContent.entry("g" + i + ".tgz", "cat/g" + i, good.get(i), up.url("/g" + i + ".tgz")));
    }
    up.on("/s.tgz", Upstream.file(shared));
    entries.add(TestContent.entry("sub/shared-a.tgz", "cat/sa", shared, up.url("/s.tgz")));
    entries.add(TestContent.entry("shared-b.tgz", "cat/sb", shared, up.url("/s.tgz")));
    entries.add(TestContent.entry("gone.tgz", "cat/gone", TestContent.bytes(9, 10), up.url("/gone.tgz")));
    byte[] expected = TestContent.bytes(10, 2000);
    up.on("/liar.tgz", Upstream.file(TestContent.bytes(11, 2000)));
    entries.add(TestContent.entry("liar.tgz", "cat/liar", expected, up.url("/liar.tgz")));
    return entries;
  }

  private Prefetcher prefetcher() {
    PrefetchConfig config = PrefetchConfig.defaults(work).withThrottle(ThrottleSettings.defaults().withJobs(4, 2))
        .withRetriesPerUrl(0);
    return new Prefetcher(config, SchemeFetcher.standard(FetchSettings.defaults(), Clock.systemUTC()), client(),
        Progress.none(), Clock.systemUTC());
  }

  private HttpResponse<String> uploadManifest(List<ExpectedDistfile> entries) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ManifestWriter w = new ManifestWriter(buf)) {
      for (ExpectedDistfile e : entries) {
        w.write(e);
      }
    }
    return server.post("/api/v1/manifest", buf.toString(StandardCharsets.UTF_8));
  }

  private void assertServed(Vault vault, String name, String pkgpath, byte[] content) throws IOException {
    Vault.Located l = vault.locate(DistfileName.of(name), Optional.of(pkgpath));
    assertTrue(l.file().isPresent(), name + " is not bound: " + l.resolution());
    assertArrayEquals(content, Files.readAllBytes(l.file().get()), name);
  }

  @Test
  void prefetchFillsTheVaultAndARerunFetchesNothing() throws Exception {
    List<ExpectedDistfile> entries = scenario();
    assertEquals("{\"entries\":7,\"created\":7,\"merged\":0}\n", uploadManifest(entries).body());

    PrefetchReport report = prefetcher().run(entries);

    assertEquals(RunResult.SOMETHING_FAILED, report.result());
    assertEquals(5, report.summary().ok(), report.outcomes()::toString);
    assertEquals(List.of(), report.runErrors());
    Vault vault = server.vault;
    for (int i = 0; i < good.size(); i++) {
      assertServed(vault, "g" + i + ".tgz", "cat/g" + i, good.get(i));
    }
    assertServed(vault, "sub/shared-a.tgz", "cat/sa", shared);
    assertServed(vault, "shared-b.tgz", "cat/sb", shared);
    assertEquals(4, vault.stats().blobs(), "shared content is stored once");
    assertEquals(1, up.requests("/s.tgz"));

    Variant gone = only("gone.tgz");
    assertEquals(VariantState.FAILED, gone.state());
    assertEquals("HTTP 404 from " + up.url("/gone.tgz"), gone.lastOutcome().orElseThrow().reason());
    Variant liar = only("liar.tgz");
    assertEquals(VariantState.FAILED, liar.state());
    String toolReason = report.outcomes().stream().filter(o -> o.entry().name().value().equals("liar.tgz"))
        .map(Outcome::reason).findFirst().orElseThrow();
    assertEquals(toolReason, liar.lastOutcome().orElseThrow().reason());
    assertTrue(toolReason.contains("mismatch"), toolReason);
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(7, vault.stats().variants(), "outcomes bound the manifest's variants, no new ones");

    int requests = up.totalRequests();
    PrefetchReport again = prefetcher().run(entries);
    assertEquals(5, again.summary().present());
    assertEquals(2, again.summary().failed());
    assertEquals(requests + 2, up.totalRequests(), "only the two failed files are tried again");
  }

  /**
   * Downloads are streamed into the upload and verified by the server alone: a wrong body is
   * refused by the server (its 422 reported by the tool with the URL and both digests, nothing
   * stored under either digest), and a body broken off after part of it was sent leaves nothing
   * either, while the job's next URL (now through the spool) delivers the good content.
   */
  @Test
  void streamedUploadsAreVerifiedByTheServerAndBrokenBodiesLeaveNothing() throws Exception {
    byte[] expected = TestContent.bytes(20, 5000);
    byte[] wrong = TestContent.bytes(21, 5000);
    up.on("/liar.tgz", Upstream.file(wrong));
    byte[] fine = TestContent.bytes(22, 100_000);
    up.on("/fine.tgz", Upstream.file(fine));
    PrefetchReport report;
    try (RawUpstream raw = new RawUpstream(fine)) {
      List<ExpectedDistfile> entries = List.of(
          TestContent.entry("liar.tgz", "cat/liar", expected, up.url("/liar.tgz")),
          TestContent.entry("fine.tgz", "cat/fine", fine, raw.url("/truncated"), up.url("/fine.tgz")));
      uploadManifest(entries);
      report = prefetcher().run(entries);
      assertEquals("truncated: got 50000 of 100000 bytes from " + raw.url("/truncated"),
          outcome(report, "fine.tgz").attempts().get(0).error());
    }

    Outcome liar = outcome(report, "liar.tgz");
    assertEquals(Outcome.Status.FAILED, liar.status());
    assertEquals("SHA512 mismatch: expected " + TestContent.sha512(expected) + ", got " + TestContent.sha512(wrong)
        + " from " + up.url("/liar.tgz"), liar.reason());
    assertEquals("DIGEST_MISMATCH", liar.attempts().get(0).kind().name());
    assertTrue(server.events.contains("blob:mismatch"), server.events::toString);
    assertTrue(server.vault.blobsByDigest(TestContent.digest(DigestAlgorithm.SHA512, wrong)).isEmpty());
    assertTrue(server.vault.blobsByDigest(TestContent.digest(DigestAlgorithm.SHA512, expected)).isEmpty());

    Outcome ok = outcome(report, "fine.tgz");
    assertEquals(Outcome.Status.OK, ok.status(), ok::toString);
    assertEquals(up.url("/fine.tgz"), ok.url());
    assertEquals(1, ok.attempts().size());
    assertTrue(server.events.contains("blob:aborted"), server.events::toString);
    assertServed(server.vault, "fine.tgz", "cat/fine", fine);
    assertEquals(1, server.vault.stats().blobs(), "only the verified blob is stored");
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of(), TestContent.blobFiles(data).stream()
        .filter(f -> !f.getFileName().toString().equals(TestContent.sha512(fine))).toList());
  }

  private static Outcome outcome(PrefetchReport report, String name) {
    return report.outcomes().stream().filter(o -> o.entry().name().value().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void withoutAManifestTheOutcomesCatalogueWhatWasFetched() throws Exception {
    List<ExpectedDistfile> entries = scenario();
    PrefetchReport report = prefetcher().run(entries);

    assertEquals(5, report.summary().ok());
    assertServed(server.vault, "g1.tgz", "cat/g1", good.get(1));
    assertServed(server.vault, "shared-b.tgz", "cat/sb", shared);
    assertEquals("HTTP 404 from " + up.url("/gone.tgz"), only("gone.tgz").lastOutcome().orElseThrow().reason());
  }

  @Test
  void offlineServerRefusesALargeUploadAndTheClientReadsTheReason() throws Exception {
    server.goOffline("the cache is offline (sealed)");
    byte[] big = TestContent.bytes(12, 8 << 20);
    Path f = Files.write(tmp.resolve("big"), big);
    VerifiedBlob blob = new VerifiedBlob(f, big.length, TestContent.distinfoDigests(big));

    SinkUnavailableException e = assertThrows(SinkUnavailableException.class, () -> client().put(blob, List.of()));
    assertTrue(e.getMessage().contains("HTTP 409: the cache is offline (sealed)"), e.getMessage());
    assertEquals(List.of(), TestContent.blobFiles(data));
  }

  @Test
  void duplicateLargeUploadThroughTheToolsClientIsAcceptedWithoutStoringTwice() throws Exception {
    byte[] big = TestContent.bytes(13, 8 << 20);
    Path f = Files.write(tmp.resolve("big"), big);
    VerifiedBlob blob = new VerifiedBlob(f, big.length, TestContent.distinfoDigests(big));
    client().put(blob, List.of());
    client().put(blob, List.of());
    assertEquals(List.of("blob:created", "blob:duplicate"), server.events);
    assertEquals(1, TestContent.blobFiles(data).size());
  }

  private Variant only(String name) {
    List<Variant> vs = server.vault.distfile(DistfileName.of(name)).orElseThrow().variants();
    assertEquals(1, vs.size(), vs::toString);
    return vs.get(0);
  }
}
