package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault gc} end to end: two sets filled by {@code distvault prefetch --set} from a
 * loopback upstream with a distfile in common; one deleted; the dry run reports exactly the blobs
 * only that set used, {@code --apply} deletes exactly those, and every distfile of the other set is
 * still served byte for byte.
 */
@Timeout(120)
class GcCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path tmp;
  private CliServer env;
  private Upstream up;

  private final byte[] onlyA = TestContent.bytes(21, 30_000);
  private final byte[] onlyB1 = TestContent.bytes(22, 40_000);
  private final byte[] onlyB2 = TestContent.bytes(23, 45_000);
  private final byte[] shared = TestContent.bytes(24, 50_000);

  @BeforeEach
  void start() throws IOException {
    env = CliServer.start(data);
    up = env.upstream();
    up.on("/a.tgz", Upstream.file(onlyA)).on("/b1.tgz", Upstream.file(onlyB1)).on("/b2.tgz", Upstream.file(onlyB2))
        .on("/s.tgz", Upstream.file(shared));
  }

  @AfterEach
  void stop() throws IOException {
    env.close();
  }

  private CliRun prefetch(String set, List<ExpectedDistfile> entries) throws IOException {
    Path manifest = CliServer.writeManifest(tmp.resolve(set + ".jsonl"), entries);
    return env.cli("prefetch", "--set", set, "--manifest", manifest.toString(), "--report",
        tmp.resolve(set + "-report.json").toString(), "--work-dir", tmp.resolve("work-" + set).toString());
  }

  private void fillTwoSets() throws IOException {
    CliRun a = prefetch("2026Q4", List.of(TestContent.entry("a-1.0.tgz", "cat/a", onlyA, up.url("/a.tgz")),
        TestContent.entry("common-2.1.tgz", "cat/a", shared, up.url("/s.tgz"))));
    assertEquals(0, a.code(), a.toString());
    CliRun b = prefetch("2027Q1", List.of(TestContent.entry("b-1.0.tgz", "cat/b", onlyB1, up.url("/b1.tgz")),
        TestContent.entry("b-data-1.0.tgz", "cat/b", onlyB2, up.url("/b2.tgz")),
        TestContent.entry("common-2.1.tgz", "cat/b", shared, up.url("/s.tgz"))));
    assertEquals(0, b.code(), b.toString());
    assertEquals(4, TestContent.blobFiles(data).size());
  }

  @Test
  void gcFreesExactlyTheBlobsOnlyTheDeletedSetUsed() throws Exception {
    fillTwoSets();
    CliRun nothing = env.cli("gc", "--format", "json");
    assertEquals(0, nothing.code(), nothing.toString());
    assertEquals(0, JSON.readTree(nothing.out()).path("garbage").path("count").asLong(), nothing.out());

    CliRun delete = env.cli("sets", "delete", "2027Q1");
    assertEquals(0, delete.code(), delete.toString());

    CliRun dry = env.cli("gc", "--format", "json");
    assertEquals(0, dry.code(), dry.toString());
    JsonNode r = JSON.readTree(dry.out());
    assertFalse(r.path("applied").asBoolean());
    assertEquals(2, r.path("garbage").path("count").asLong());
    assertEquals(onlyB1.length + onlyB2.length, r.path("garbage").path("bytes").asLong());
    assertEquals(Set.of(TestContent.sha512(onlyB1), TestContent.sha512(onlyB2)), shas(r));
    assertEquals(TestContent.sha512(onlyB2), r.path("largest").get(0).path("sha512").asText(), "largest first");
    assertEquals("[\"b-data-1.0.tgz\"]", r.path("largest").get(0).path("names").toString(),
        "named from what the deleted set bound");
    JsonNode kept = r.path("keptBy").path("2026Q4");
    assertEquals(2, kept.path("count").asLong(), r.toString());
    assertEquals(onlyA.length + shared.length, kept.path("bytes").asLong());
    assertEquals("filling", kept.path("by").asText());
    assertEquals(0, r.path("freed").path("count").asLong());
    assertEquals(4, TestContent.blobFiles(data).size(), "a dry run deletes nothing");

    CliRun text = env.cli("gc");
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().startsWith("garbage: 2 blobs, " + (onlyB1.length + onlyB2.length) + " bytes"), text.out());
    assertTrue(text.out().contains("  2026Q4\t2 blobs\t" + (onlyA.length + shared.length) + " bytes\tby filling"),
        text.out());
    assertTrue(text.out().contains("nothing deleted"), text.out());

    CliRun apply = env.cli("gc", "--apply");
    assertEquals(0, apply.code(), apply.toString());
    assertTrue(apply.out().contains("freed: 2 blobs, " + (onlyB1.length + onlyB2.length) + " bytes"), apply.out());
    List<String> left = new ArrayList<>();
    for (Path p : TestContent.blobFiles(data)) {
      left.add(p.getFileName().toString());
    }
    assertEquals(new TreeSet<>(List.of(TestContent.sha512(onlyA), TestContent.sha512(shared))), new TreeSet<>(left));
    HttpResponse<byte[]> a = env.get("/set/2026Q4/pkg/cat/a/a-1.0.tgz");
    assertEquals(200, a.statusCode());
    assertArrayEquals(onlyA, a.body());
    HttpResponse<byte[]> s = env.get("/set/2026Q4/pkg/cat/a/common-2.1.tgz");
    assertEquals(200, s.statusCode());
    assertArrayEquals(shared, s.body());

    assertFalse(java.nio.file.Files.list(data.resolve("deleted-sets")).findAny().isPresent(),
        "the names of a deleted set go with its last blob");
    JsonNode again = JSON.readTree(env.cli("gc", "--format", "json").out());
    assertEquals(0, again.path("garbage").path("count").asLong());
    String metrics = new String(env.get("/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(metrics.contains("distvault_gc_freed_bytes_total " + (double) (onlyB1.length + onlyB2.length)),
        metrics);
    assertTrue(metrics.contains("distvault_gc_garbage_bytes 0.0"), metrics);
    assertFalse(metrics.contains("distvault_gc_last_run_timestamp_seconds 0.0"), metrics);
    CliRun scrub = env.cli("scrub");
    assertEquals(0, scrub.code(), "nothing missing, nothing corrupt: " + scrub);
  }

  private static Set<String> shas(JsonNode report) {
    Set<String> out = new TreeSet<>();
    report.path("largest").forEach(g -> out.add(g.path("sha512").asText()));
    return out;
  }

  @Test
  void applyPrunesTheListingOfASealNoLongerKeptAndTheDryRunCountsIt() throws Exception {
    assertEquals(0, prefetch("2026Q4", List.of(TestContent.entry("a-1.0.tgz", "cat/a", onlyA, up.url("/a.tgz"))))
        .code());
    assertEquals(0, env.cli("seal", "2026Q4").code());
    assertEquals(0, env.cli("unseal", "2026Q4").code());
    assertEquals(0, prefetch("2026Q4", List.of(TestContent.entry("b-1.0.tgz", "cat/b", onlyB1, up.url("/b1.tgz"))))
        .code());
    assertEquals(0, env.cli("seal", "2026Q4").code());
    assertEquals(0, env.cli("unseal", "2026Q4").code());
    assertEquals(0, prefetch("2026Q4", List.of(TestContent.entry("s-1.0.tgz", "cat/s", shared, up.url("/s.tgz"))))
        .code());
    assertEquals(0, env.cli("seal", "2026Q4").code());
    assertEquals(3, sealListings().size());

    CliRun dry = env.cli("gc", "--format", "json");
    assertEquals(0, dry.code(), dry.toString());
    JsonNode r = JSON.readTree(dry.out());
    assertEquals("{\"unreferenced\":1,\"pruned\":0}", r.path("sealListings").toString(), dry.out());
    assertEquals(0, r.path("garbage").path("count").asLong(), "the oldest seal's blob is still bound");
    assertEquals(3, sealListings().size(), "a dry run deletes no listing");
    CliRun text = env.cli("gc");
    assertTrue(text.out().contains("\nseal listings no longer referenced: 1\nnothing deleted"), text.out());

    CliRun apply = env.cli("gc", "--apply");
    assertEquals(0, apply.code(), apply.toString());
    assertTrue(apply.out().endsWith("freed: 0 blobs, 0 bytes\nseal listings pruned: 1\n"), apply.out());
    assertEquals(2, sealListings().size());
    JsonNode after = JSON.readTree(env.cli("gc", "--format", "json", "--keep-seals", "16").out());
    assertEquals("{\"unreferenced\":0,\"pruned\":0}", after.path("sealListings").toString(), after.toString());
  }

  private List<Path> sealListings() throws IOException {
    try (var files = java.nio.file.Files.list(data.resolve("seals"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tsv")).toList();
    }
  }

  @Test
  void theRouteRefusesUnknownFieldsAndBadValues() throws Exception {
    HttpResponse<String> unknown = env.api("POST", "/api/v1/gc", "application/json", "{\"apply\":true,\"force\":1}");
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("unknown field 'force'"), unknown.body());
    assertEquals(400, env.api("POST", "/api/v1/gc", "application/json", "{\"keepSeals\":-1}").statusCode());
    assertEquals(400, env.api("POST", "/api/v1/gc", "application/json", "{\"apply\":\"yes\"}").statusCode());
    HttpResponse<String> empty = env.api("POST", "/api/v1/gc", "application/json", "{}");
    assertEquals(200, empty.statusCode(), empty.body());
    assertEquals(2, JSON.readTree(empty.body()).path("keepSeals").asInt());
  }
}
