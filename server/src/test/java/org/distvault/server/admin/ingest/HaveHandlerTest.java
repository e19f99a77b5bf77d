package org.distvault.server.admin.ingest;

import static org.distvault.server.admin.ingest.IngestServer.JSON;
import static org.distvault.server.admin.ingest.IngestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.prefetch.client.ServerClient;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/have over a real Undertow and Vault, also through the prefetch tool's ServerClient. */
@Timeout(120)
class HaveHandlerTest {
  @TempDir Path data;
  private IngestServer server;
  private final byte[] held = TestContent.bytes(1, 70_000);
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

  private static ObjectNode entry(String name, String pkgpath, Digests digests, Long size) {
    ObjectNode e = JSON.createObjectNode().put("name", name);
    if (pkgpath != null) {
      e.put("pkgpath", pkgpath);
    }
    ObjectNode d = e.putObject("digests");
    digests.toHexMap().forEach(d::put);
    if (size != null) {
      e.put("size", size);
    }
    return e;
  }

  private HttpResponse<String> have(ObjectNode... entries) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode a = body.putArray("entries");
    for (ObjectNode e : entries) {
      a.add(e);
    }
    return server.post("/api/v1/have", body.toString());
  }

  private Optional<String> boundBlob(String name, String pkgpath) {
    Resolution r = server.vault.locate(DistfileName.of(name), Optional.ofNullable(pkgpath)).resolution();
    return r.blob().map(d -> d.hex());
  }

  @Test
  void heldBlobOfAnUncataloguedNameIsPresentAndGetsBound() throws Exception {
    HttpResponse<String> r = have(entry("a-1.0.tgz", "cat/a", TestContent.distinfoDigests(held), (long) held.length));

    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"present\":[0],\"missing\":[]}\n", r.body());
    assertEquals(Optional.of(blob.sha512().hex()), boundBlob("a-1.0.tgz", "cat/a"));
    DistfileRecord rec = server.vault.distfile(DistfileName.of("a-1.0.tgz")).orElseThrow();
    assertEquals(Set.of("cat/a"), rec.variants().get(0).pkgpaths());
    assertEquals(List.of("have:ok"), server.events);
  }

  @Test
  void entriesAreAnsweredByIndexInOrder() throws Exception {
    byte[] other = TestContent.bytes(2, 500);
    HttpResponse<String> r = have(
        entry("other.tgz", null, TestContent.distinfoDigests(other), 500L),
        entry("a.tgz", null, TestContent.distinfoDigests(held), null),
        entry("size-only.tgz", null, Digests.empty(), (long) held.length));
    assertEquals("{\"present\":[1],\"missing\":[0,2]}\n", r.body());
  }

  @Test
  void boundVariantIsPresentEvenWhenOnlyItsBlake2sIsListed() throws Exception {
    ExpectedDistfile e = TestContent.entry("b.tgz", "cat/b", held);
    server.vault.expect(e);
    server.vault.bind(server.vault.distfile(e.name()).orElseThrow()
        .ref(server.vault.distfile(e.name()).orElseThrow().variants().get(0)), blob.sha512());
    Digests blake = Digests.of(List.of(TestContent.digest(DigestAlgorithm.BLAKE2S, held)));
    assertEquals("{\"present\":[0],\"missing\":[]}\n", have(entry("b.tgz", null, blake, null)).body());
  }

  @Test
  void blobNeverHashedWithAListedAlgorithmIsMissingAndNotBound() throws Exception {
    Digests withSha1 = TestContent.distinfoDigests(held).merge(
        Digests.of(List.of(TestContent.digest(DigestAlgorithm.SHA1, held))));
    assertEquals("{\"present\":[],\"missing\":[0]}\n", have(entry("c.tgz", null, withSha1, null)).body());
    assertEquals(Optional.empty(), server.vault.distfile(DistfileName.of("c.tgz")));
  }

  @Test
  void wrongSizeIsMissing() throws Exception {
    HttpResponse<String> r = have(entry("d.tgz", null, TestContent.distinfoDigests(held), held.length + 1L));
    assertEquals("{\"present\":[],\"missing\":[0]}\n", r.body());
  }

  @Test
  void offlineReportsOnlyWhatIsBoundAndBindsNothing() throws Exception {
    server.goOffline("offline");
    HttpResponse<String> r = have(entry("e.tgz", null, TestContent.distinfoDigests(held), null));
    assertEquals(200, r.statusCode());
    assertEquals("{\"present\":[],\"missing\":[0]}\n", r.body());
    assertEquals(Optional.empty(), server.vault.distfile(DistfileName.of("e.tgz")));
  }

  @Test
  void moreThanTenThousandEntriesIs400() throws Exception {
    ObjectNode[] entries = new ObjectNode[10_001];
    Digests digests = TestContent.distinfoDigests(held);
    for (int i = 0; i < entries.length; i++) {
      entries[i] = entry("n" + i + ".tgz", null, digests, null);
    }
    HttpResponse<String> r = have(entries);
    assertEquals(400, r.statusCode());
    assertEquals("{\"error\":\"at most 10000 entries per call, got 10001\"}\n", r.body());
    assertEquals(List.of("have:bad_request"), server.events);
  }

  @Test
  void badEntriesAre400NamingTheEntry() throws Exception {
    ObjectNode unknownAlg = JSON.createObjectNode().put("name", "x.tgz");
    unknownAlg.putObject("digests").put("md5", "00");
    assertEquals("{\"error\":\"entry 1: unknown digest algorithm md5\"}\n",
        have(entry("ok.tgz", null, TestContent.distinfoDigests(held), null), unknownAlg).body());
    ObjectNode extra = JSON.createObjectNode().put("name", "x.tgz").put("sha512", "00");
    assertEquals("{\"error\":\"entry 0: unknown field 'sha512'\"}\n", have(extra).body());
    ObjectNode badName = JSON.createObjectNode().put("name", "../x.tgz");
    assertTrue(have(badName).body().startsWith("{\"error\":\"entry 0: invalid distfile name '../x.tgz': "));
    assertEquals("{\"error\":\"body must be {\\\"entries\\\":[...]}\"}\n", server.post("/api/v1/have", "[]").body());
    HttpResponse<String> notJson = server.post("/api/v1/have", "{\"entries\":[");
    assertEquals(400, notJson.statusCode());
    assertTrue(json(notJson).path("error").asText().startsWith("bad JSON: "), notJson.body());
    assertEquals(Optional.empty(), server.vault.distfile(DistfileName.of("ok.tgz")), "nothing bound");
  }

  @Test
  void prefetchToolsClientSendsChunksOfTenThousandAndGetsIndexesBack() throws Exception {
    List<ExpectedDistfile> entries = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      byte[] content = i == 10_500 ? held : TestContent.bytes(1000 + i % 5, 64);
      entries.add(new ExpectedDistfile(DistfileName.of("n" + i + ".tgz"), OptionalLong.of(content.length),
          TestContent.distinfoDigests(content), Set.of("cat/n" + i), List.of()));
    }
    ServerClient client = new ServerClient(URI.create("http://127.0.0.1:" + server.port()), "unused",
        Duration.ofSeconds(5), Duration.ofSeconds(60));
    BitSet present = client.have(entries);

    assertEquals(1, present.cardinality());
    assertTrue(present.get(10_500));
    assertEquals(List.of("have:ok", "have:ok"), server.events);
    assertEquals(Optional.of(blob.sha512().hex()), boundBlob("n10500.tgz", "cat/n10500"));
  }
}
