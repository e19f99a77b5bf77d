package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.SealCheck;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault refill}: a set sealed with failed distfiles, requested by its build (violations),
 * whose upstream then serves some of them; refill fetches exactly those again and seals anew.
 */
@Timeout(120)
class RefillCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SET = "2026Q4";

  @TempDir Path data;
  @TempDir Path tmp;
  private CliServer env;
  private Upstream up;

  private final byte[] ok = TestContent.bytes(21, 30_000);
  private final byte[] f1 = TestContent.bytes(22, 20_000);
  private final byte[] f2 = TestContent.bytes(23, 25_000);
  private final byte[] f3 = TestContent.bytes(24, 15_000);
  private final byte[] f4 = TestContent.bytes(25, 12_000);

  @BeforeEach
  void start() throws IOException {
    env = CliServer.start(data);
    up = env.upstream();
    up.on("/ok.tgz", Upstream.file(ok)).on("/f1.tgz", Upstream.status(404)).on("/f2.tgz", Upstream.status(404))
        .on("/f3.tgz", Upstream.status(404)).on("/f4.tgz", Upstream.status(404));
  }

  @AfterEach
  void stop() throws IOException {
    env.close();
  }

  @Test
  void refillFetchesWhatTheSealedBuildLackedAndSealsAgain() throws Exception {
    Path manifest = manifest(List.of(
        TestContent.entry("ok-1.0.tgz", "cat/ok", ok, up.url("/ok.tgz")),
        TestContent.entry("f1-1.0.tgz", "cat/f1", f1, up.url("/f1.tgz")),
        TestContent.entry("f2-1.0.tgz", "cat/f2", f2, up.url("/f2.tgz")),
        TestContent.entry("f3-1.0.tgz", "cat/f3", f3, up.url("/f3.tgz")),
        TestContent.entry("f4-1.0.tgz", "cat/f4", f4, up.url("/f4.tgz"))));
    CliRun prefetch = cli("prefetch", "--set", SET, "--manifest", manifest.toString(),
        "--report", tmp.resolve("prefetch.json").toString());
    assertEquals(1, prefetch.code(), prefetch.toString());
    assertEquals(2, cli("refill", SET).code(), "a filling set is refused");
    CliRun seal = cli("seal", SET);
    assertEquals(0, seal.code(), seal.toString());
    JsonNode oldSeal = set().path("seal");
    // Four of five entries failed: the text listing counts them all as missing.
    assertTrue(cli("sets").out().contains("\n2026Q4\tsealed\t5\t1\t4\t" + ok.length + "\t"
        + oldSeal.path("digest").asText() + "\t"), cli("sets").out());
    assertEquals(SealCheck.sortUniqSha256(List.of(SealCheck.line("ok-1.0.tgz", ok)), tmp), oldSeal.path("digest").asText());

    // The sealed build asks for f1, f2 and f3 (not f4), and for a file no manifest lists.
    for (String p : List.of("cat/f1/f1-1.0.tgz", "cat/f2/f2-1.0.tgz", "cat/f3/f3-1.0.tgz", "cat/x/extra-9.tgz")) {
      assertEquals(404, get("/set/" + SET + "/pkg/" + p).statusCode(), p);
    }
    assertEquals(200, get("/set/" + SET + "/pkg/cat/ok/ok-1.0.tgz").statusCode());
    int f4Requests = up.requests("/f4.tgz");
    // Upstream serves f1 and f2 now; f3 still fails.
    up.on("/f1.tgz", Upstream.file(f1)).on("/f2.tgz", Upstream.file(f2));

    Path report = tmp.resolve("refill.json");
    CliRun refill = cli("refill", SET, "--report", report.toString(), "--jobs", "2");
    assertEquals(1, refill.code(), refill.toString());
    JsonNode newSeal = set().path("seal");
    String expectedNew = SealCheck.sortUniqSha256(List.of(SealCheck.line("ok-1.0.tgz", ok),
        SealCheck.line("f1-1.0.tgz", f1), SealCheck.line("f2-1.0.tgz", f2)), tmp);
    assertEquals(expectedNew, newSeal.path("digest").asText());
    assertEquals(3, newSeal.path("entries").asLong());
    assertNotEquals(oldSeal.path("digest").asText(), newSeal.path("digest").asText());
    assertEquals("sealed", set().path("state").asText());

    List<String> out = refill.out().lines().toList();
    assertEquals("set 2026Q4: old seal " + oldSeal.path("digest").asText() + " (1 entries, "
        + oldSeal.path("at").asText() + ")", out.get(0));
    assertEquals("set 2026Q4: new seal " + expectedNew + " (3 entries, " + newSeal.path("at").asText() + ")",
        out.get(1));
    assertEquals(List.of("added: 2", "  f1-1.0.tgz", "  f2-1.0.tgz", "still missing: 1"), out.subList(2, 6));
    assertTrue(out.get(6).startsWith("  f3-1.0.tgz: ") && out.get(6).contains("404"), out.get(6));
    assertEquals(List.of("not in the manifest (no entry to fetch it from): 1",
        "  cat/x\tunknown\textra-9.tgz\t1 request"), out.subList(7, 9));

    // Served now, bytes intact; f4, which the build never asked for, was not fetched again.
    HttpResponse<byte[]> hit = env.get("/set/" + SET + "/pkg/cat/f1/f1-1.0.tgz");
    assertEquals(200, hit.statusCode());
    assertArrayEquals(f1, hit.body());
    assertEquals(f4Requests, up.requests("/f4.tgz"));

    JsonNode r = JSON.readTree(report.toFile());
    assertEquals(SET, r.path("set").asText());
    assertEquals(List.of("f1-1.0.tgz", "f2-1.0.tgz", "f3-1.0.tgz"), texts(r.path("retried")));
    assertEquals(List.of("f1-1.0.tgz", "f2-1.0.tgz"), texts(r.path("added")));
    assertEquals("f3-1.0.tgz", r.path("stillMissing").get(0).path("name").asText());
    assertTrue(r.path("stillMissing").get(0).path("reason").asText().contains("404"));
    assertEquals("cat/x", r.path("notInManifest").get(0).path("pkgpath").asText());
    assertEquals(3, r.path("prefetch").path("summary").path("entries").asLong());
    assertEquals(expectedNew, r.path("newSeal").path("digest").asText());

    // The set's audit trail: unsealed and sealed again, both for refill.
    HttpResponse<String> audit = api("/api/v1/sets/" + SET + "/audit");
    List<String> refillActions = new ArrayList<>();
    for (JsonNode e : JSON.readTree(audit.body()).path("entries")) {
      if ("refill".equals(e.path("reason").asText())) {
        refillActions.add(e.path("action").asText());
      }
    }
    assertEquals(List.of("unseal", "seal"), refillActions);
  }

  @Test
  void aSealedSetWithoutMissesIsLeftAsItIs() throws Exception {
    Path manifest = manifest(List.of(TestContent.entry("ok-1.0.tgz", "cat/ok", ok, up.url("/ok.tgz"))));
    assertEquals(0, cli("prefetch", "--set", SET, "--manifest", manifest.toString(),
        "--report", tmp.resolve("prefetch.json").toString()).code());
    assertEquals(0, cli("seal", SET).code());
    JsonNode before = set().path("seal");
    CliRun refill = cli("refill", SET);
    assertEquals(0, refill.code(), refill.toString());
    assertTrue(refill.out().contains("added: 0\nstill missing: 0\n"), refill.out());
    assertEquals(before, set().path("seal"));
    assertFalse(api("/api/v1/sets/" + SET + "/audit").body().contains("\"refill\""));
    CliRun bad = cli("refill", "no/such");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("invalid set name 'no/such'"), bad.err());
  }

  private Path manifest(List<ExpectedDistfile> entries) throws IOException {
    return CliServer.writeManifest(tmp.resolve("manifest.jsonl"), entries);
  }

  private CliRun cli(String... args) {
    return env.cli(args);
  }

  private JsonNode set() throws Exception {
    HttpResponse<String> r = api("/api/v1/sets/" + SET);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> api(String path) throws IOException, InterruptedException {
    return env.api(path);
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return env.get(path);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
