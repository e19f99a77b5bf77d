package org.distvault.server.admin.ingest;

import static org.distvault.server.admin.ingest.IngestServer.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantState;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/outcomes over a real Undertow into a real catalog. */
@Timeout(120)
class OutcomesHandlerTest {
  @TempDir Path data;
  private IngestServer server;
  private final byte[] held = TestContent.bytes(1, 40_000);
  private StoredBlob blob;

  @BeforeEach
  void start() throws IOException {
    server = IngestServer.start(data);
    blob = server.vault.ingest(new ByteArrayInputStream(held),
        Expectation.of(held.length, TestContent.distinfoDigests(held)));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static String ok(String name, String pkgpath, Digests digests, String sha512, String url) {
    ObjectNode o = JSON.createObjectNode().put("name", name);
    o.putArray("pkgpaths").add(pkgpath);
    ObjectNode d = o.putObject("digests");
    digests.toHexMap().forEach(d::put);
    return o.put("status", "ok").put("url", url).put("sha512", sha512).toString();
  }

  private static String failed(String name, String pkgpath, Digests digests, String reason, String url) {
    ObjectNode o = JSON.createObjectNode().put("name", name);
    o.putArray("pkgpaths").add(pkgpath);
    ObjectNode d = o.putObject("digests");
    digests.toHexMap().forEach(d::put);
    o.put("status", "failed").put("reason", reason);
    if (url != null) {
      o.put("url", url);
    }
    return o.toString();
  }

  private HttpResponse<String> send(String... lines) throws IOException, InterruptedException {
    return server.post("/api/v1/outcomes", String.join("\n", lines) + "\n");
  }

  private Variant only(String name) {
    DistfileRecord rec = server.vault.distfile(DistfileName.of(name)).orElseThrow();
    assertEquals(1, rec.variants().size(), rec::toString);
    return rec.variants().get(0);
  }

  @Test
  void okBindsAndFailedRecordsItsReasonForNamesNotYetCatalogued() throws Exception {
    Digests gone = TestContent.distinfoDigests(TestContent.bytes(2, 10));
    HttpResponse<String> r = send(
        ok("a-1.tgz", "cat/a", TestContent.distinfoDigests(held), blob.sha512().hex(), "https://up/a-1.tgz"),
        failed("gone-2.tgz", "cat/gone", gone, "HTTP 404 from https://up/gone-2.tgz", "https://up/gone-2.tgz"));

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"recorded\":2}\n", r.body());
    Variant a = only("a-1.tgz");
    assertEquals(Optional.of(blob.sha512()), a.blob());
    assertEquals(Set.of("cat/a"), a.pkgpaths());
    assertEquals(PrefetchOutcome.Status.OK, a.lastOutcome().orElseThrow().status());
    assertEquals(Optional.of("https://up/a-1.tgz"), a.lastOutcome().orElseThrow().url());
    Variant g = only("gone-2.tgz");
    assertEquals(VariantState.FAILED, g.state());
    assertEquals("HTTP 404 from https://up/gone-2.tgz", g.lastOutcome().orElseThrow().reason());
    assertEquals(Optional.of("https://up/gone-2.tgz"), g.lastOutcome().orElseThrow().url());
    assertEquals(gone, g.digests());
    assertEquals(List.of("outcome:ok", "outcome:failed"), server.events);
  }

  @Test
  void okBindsTheCataloguedVariantWithTheSameDigests() throws Exception {
    server.vault.expect(TestContent.entry("b.tgz", "cat/b", held, "https://up/b.tgz"));
    Digests blakeOnly = Digests.of(List.of(TestContent.digest(DigestAlgorithm.BLAKE2S, held)));
    assertEquals("{\"recorded\":1}\n", send(ok("b.tgz", "cat/b", blakeOnly, blob.sha512().hex(), "https://up/b.tgz")).body());
    Variant b = only("b.tgz");
    assertEquals(Optional.of(blob.sha512()), b.blob());
    assertEquals(OptionalLong.of(held.length), b.size());
    assertEquals(List.of("https://up/b.tgz"), b.urls());
  }

  @Test
  void okForABlobNotHeldIs422AndNothingOfTheRequestIsWritten() throws Exception {
    String missing = TestContent.sha512(TestContent.bytes(3, 10));
    HttpResponse<String> r = send(
        failed("f.tgz", "cat/f", TestContent.distinfoDigests(held), "timeout", null),
        ok("m.tgz", "cat/m", TestContent.distinfoDigests(TestContent.bytes(3, 10)), missing, "https://up/m.tgz"));

    assertEquals(422, r.statusCode());
    String error = "line 2: m.tgz: no blob " + missing + " is held (upload it first)";
    assertEquals("{\"error\":\"" + error + "\",\"errors\":[\"" + error + "\"]}\n", r.body());
    assertEquals(0, server.vault.stats().names(), "the valid failed line was not recorded either");
    assertEquals(List.of("outcome:mismatch"), server.events);
  }

  @Test
  void okWhoseBlobContradictsTheExpectedDigestsIs422() throws Exception {
    Digests wrongBlake = Digests.of(List.of(TestContent.digest(DigestAlgorithm.SHA512, held),
        TestContent.digest(DigestAlgorithm.BLAKE2S, TestContent.bytes(9, 9))));
    HttpResponse<String> r = send(ok("w.tgz", "cat/w", wrongBlake, blob.sha512().hex(), "https://up/w.tgz"));
    assertEquals(422, r.statusCode());
    assertEquals("line 1: w.tgz: blob " + blob.sha512().hex() + " does not match: BLAKE2s mismatch: expected "
        + wrongBlake.get(DigestAlgorithm.BLAKE2S).orElseThrow().hex() + ", got "
        + TestContent.digest(DigestAlgorithm.BLAKE2S, held).hex(),
        IngestServer.json(r).path("error").asText());
    assertEquals(Optional.empty(), server.vault.distfile(DistfileName.of("w.tgz")));
  }

  @Test
  void okWhoseEntryListsNoDigestIsRecordedAsAFailureSayingWhy() throws Exception {
    HttpResponse<String> r = send(ok("nodigest.tgz", "cat/n", Digests.empty(), blob.sha512().hex(), "https://up/n.tgz"));
    assertEquals("{\"recorded\":1}\n", r.body());
    Variant v = only("nodigest.tgz");
    assertEquals(VariantState.FAILED, v.state());
    assertEquals("fetched (SHA512 " + blob.sha512().hex() + ") but its manifest entry lists no digest to verify"
        + " it against, so the cache does not serve it", v.lastOutcome().orElseThrow().reason());
  }

  @Test
  void malformedLinesAre400NamingEachAndNothingIsWritten() throws Exception {
    HttpResponse<String> r = send(
        failed("f.tgz", "cat/f", TestContent.distinfoDigests(held), "timeout", null),
        "{\"name\":\"x.tgz\",\"status\":\"maybe\"}",
        "",
        "{\"name\":\"y.tgz\",\"status\":\"failed\"}",
        "{\"name\":\"z.tgz\",\"status\":\"ok\"}",
        "{\"name\":\"z.tgz\",\"status\":\"ok\",\"sha512\":\"abc\"}",
        "{\"name\":\"q.tgz\",\"status\":\"failed\",\"reason\":\"r\",\"colour\":1}",
        "[1,2]",
        "{\"name\":\"t.tgz\"} trailing");
    assertEquals(400, r.statusCode());
    List<String> errors = List.of(
        "line 2: status must be \"ok\" or \"failed\", got \"maybe\"",
        "line 4: a failed outcome needs a reason",
        "line 5: an ok outcome needs the sha512 of the blob",
        "line 6: SHA512 digest must be 128 hex digits, got 3",
        "line 7: unknown field 'colour'",
        "line 8: must be a JSON object, got an array");
    List<String> got = new java.util.ArrayList<>();
    IngestServer.json(r).path("errors").forEach(e -> got.add(e.asText()));
    assertEquals(errors, got.subList(0, 6));
    assertEquals(7, got.size());
    assertTrue(got.get(6).startsWith("line 9: bad JSON: "), got.get(6));
    assertEquals(errors.get(0), IngestServer.json(r).path("error").asText());
    assertEquals(0, server.vault.stats().names());
  }

  @Test
  void offlineIs409() throws Exception {
    server.goOffline("offline: outcomes are refused");
    HttpResponse<String> r = send(failed("f.tgz", "cat/f", TestContent.distinfoDigests(held), "timeout", null));
    assertEquals(409, r.statusCode());
    assertEquals("{\"error\":\"offline: outcomes are refused\"}\n", r.body());
    assertEquals(0, server.vault.stats().names());
  }
}
