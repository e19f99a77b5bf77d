package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distvault.prefetch.manifest.ManifestWriter;
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
 * Source sets end to end: two sets filled by {@code distvault prefetch --set} from a loopback
 * upstream with a distfile in common, one sealed while the other keeps filling, {@code distvault
 * sets|seal|unseal|sets delete}, the sets API's refusals and audit trail, and every seal checked
 * against {@code LC_ALL=C sort -u | sha256sum} of the set's own lines.
 */
@Timeout(120)
class SetsCommandsIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path tmp;
  private CliServer env;
  private Upstream up;

  private final byte[] onlyA = TestContent.bytes(11, 30_000);
  private final byte[] onlyB = TestContent.bytes(12, 40_000);
  private final byte[] shared = TestContent.bytes(13, 50_000);
  private final byte[] laterB = TestContent.bytes(14, 20_000);
  private final byte[] laterA = TestContent.bytes(15, 10_000);

  @BeforeEach
  void start() throws IOException {
    env = CliServer.start(data);
    up = env.upstream();
    up.on("/a.tgz", Upstream.file(onlyA)).on("/b.tgz", Upstream.file(onlyB)).on("/s.tgz", Upstream.file(shared))
        .on("/b2.tgz", Upstream.file(laterB)).on("/a2.tgz", Upstream.file(laterA));
  }

  @AfterEach
  void stop() throws IOException {
    env.close();
  }

  private ExpectedDistfile a() {
    return TestContent.entry("a-1.0.tgz", "cat/a", onlyA, up.url("/a.tgz"));
  }

  private ExpectedDistfile b() {
    return TestContent.entry("b-1.0.tgz", "cat/b", onlyB, up.url("/b.tgz"));
  }

  private ExpectedDistfile sharedIn(String pkg) {
    return TestContent.entry("common-2.1.tgz", "cat/" + pkg, shared, up.url("/s.tgz"));
  }

  private Path manifest(String name, List<ExpectedDistfile> entries) throws IOException {
    return CliServer.writeManifest(tmp.resolve(name + ".jsonl"), entries);
  }

  private CliRun cli(String... args) {
    return env.cli(args);
  }

  private CliRun prefetch(String set, Path manifest) {
    return cli("prefetch", "--set", set, "--manifest", manifest.toString(), "--report", tmp.resolve(set + "-report.json")
        .toString(), "--work-dir", tmp.resolve("work-" + set).toString());
  }

  private HttpResponse<String> api(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    return env.api(method, path, contentType, body);
  }

  private JsonNode set(String name) throws Exception {
    HttpResponse<String> r = api("GET", "/api/v1/sets/" + name, null, null);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static String manifestLine(ExpectedDistfile e) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    try (ManifestWriter w = new ManifestWriter(buf)) {
      w.write(e);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static String line(String name, byte[] content) {
    return SealCheck.line(name, content);
  }

  private static String sortUniqSha256(List<String> lines, Path dir) throws Exception {
    return SealCheck.sortUniqSha256(lines, dir);
  }

  @Test
  void twoSetsShareBlobsOneIsSealedWhileTheOtherKeepsFilling() throws Exception {
    CliRun fillA = prefetch("2026Q4", manifest("a", List.of(a(), sharedIn("a"))));
    assertEquals(0, fillA.code(), fillA.toString());
    CliRun fillB = prefetch("2027Q1", manifest("b", List.of(b(), sharedIn("b"))));
    assertEquals(0, fillB.code(), fillB.toString());
    assertEquals(3, TestContent.blobFiles(data).size(), "the distfile both sets use is stored once");
    assertEquals(1, up.requests("/s.tgz"), "and downloaded once: the second set found it held");

    // A name bound in one set is not in the other.
    assertEquals(2, set("2026Q4").path("present").asLong());
    assertEquals(2, set("2027Q1").path("present").asLong());
    assertEquals(0, set("default").path("entries").asLong());

    CliRun seal = cli("seal", "2026Q4", "--reason", "bulk build 2026Q4 starts");
    assertEquals(0, seal.code(), seal.toString());
    JsonNode sealed = JSON.readTree(seal.out());
    assertEquals("2026Q4", sealed.path("name").asText());
    assertEquals("sealed", sealed.path("state").asText());
    assertTrue(sealed.path("changed").asBoolean());
    assertTrue(sealed.path("previousSeal").isNull());
    JsonNode sealA = sealed.path("seal");
    assertEquals(2, sealA.path("entries").asLong());
    assertEquals(sortUniqSha256(List.of(line("a-1.0.tgz", onlyA), line("common-2.1.tgz", shared)), tmp),
        sealA.path("digest").asText());
    assertTrue(seal.err().startsWith("set 2026Q4: now sealed; seal " + sealA.path("digest").asText() + " over 2 entries"),
        seal.toString());

    // Sealing again changes nothing.
    CliRun again = cli("seal", "2026Q4");
    assertEquals(0, again.code(), again.toString());
    assertFalse(JSON.readTree(again.out()).path("changed").asBoolean());
    assertEquals(sealA, JSON.readTree(again.out()).path("seal"));

    // Uploads into the sealed set are refused, with the set named.
    ExpectedDistfile a2 = TestContent.entry("a-2.0.tgz", "cat/a", laterA, up.url("/a2.tgz"));
    HttpResponse<String> refused = api("POST", "/api/v1/sets/2026Q4/manifest", "application/x-ndjson", manifestLine(a2));
    assertEquals(409, refused.statusCode(), refused.body());
    assertEquals("set 2026Q4 is sealed", JSON.readTree(refused.body()).path("error").asText());
    HttpResponse<String> outcome = api("POST", "/api/v1/sets/2026Q4/outcomes", "application/x-ndjson",
        "{\"name\":\"a-1.0.tgz\",\"status\":\"failed\",\"reason\":\"x\"}\n");
    assertEquals(409, outcome.statusCode(), outcome.body());
    CliRun intoSealed = prefetch("2026Q4", manifest("a2", List.of(a2)));
    assertEquals(1, intoSealed.code(), intoSealed.toString());
    assertTrue(intoSealed.err().contains("set 2026Q4 is sealed on " + env.url()), intoSealed.toString());

    // The other set keeps filling, and the sealed one's seal does not move.
    CliRun moreB = prefetch("2027Q1", manifest("b2", List.of(b(), sharedIn("b"),
        TestContent.entry("b-2.0.tgz", "cat/b", laterB, up.url("/b2.tgz")))));
    assertEquals(0, moreB.code(), moreB.toString());
    assertEquals(3, set("2027Q1").path("present").asLong());
    assertEquals(sealA, set("2026Q4").path("seal"));
    assertEquals(4, TestContent.blobFiles(data).size());

    // The listing, text and JSON, with the two sets in different states.
    CliRun text = cli("sets");
    assertEquals(0, text.code(), text.toString());
    List<String> lines = text.out().lines().toList();
    assertEquals(List.of(
        "name\tstate\tentries\tpresent\tmissing\tbytes\tseal\tsealedAt",
        "2026Q4\tsealed\t2\t2\t0\t" + (onlyA.length + shared.length) + "\t" + sealA.path("digest").asText() + "\t"
            + sealA.path("at").asText(),
        "2027Q1\tfilling\t3\t3\t0\t" + (onlyB.length + shared.length + laterB.length) + "\t-\t-",
        "default\tfilling\t0\t0\t0\t0\t-\t-"), lines);
    CliRun json = cli("sets", "--format", "json");
    assertEquals(0, json.code(), json.toString());
    JsonNode all = JSON.readTree(json.out()).path("sets");
    assertEquals(3, all.size());
    JsonNode q4 = all.get(0);
    assertEquals(List.of("name", "state", "created", "entries", "present", "failed", "missing", "bytes", "seal"),
        fieldNames(q4));
    assertEquals("2026Q4", q4.path("name").asText());
    assertEquals("sealed", q4.path("state").asText());
    assertEquals(sealA, q4.path("seal"));
    assertEquals(0, q4.path("failed").asLong());
    assertEquals("2027Q1", all.get(1).path("name").asText());
    assertEquals("filling", all.get(1).path("state").asText());
    assertTrue(all.get(1).path("seal").isNull());
    assertEquals(onlyB.length + shared.length + laterB.length, all.get(1).path("bytes").asLong());

    // Unsealing: the seal that ended comes back as previousSeal; the set fills again.
    CliRun unseal = cli("unseal", "2026Q4", "--reason", "add a-2.0");
    assertEquals(0, unseal.code(), unseal.toString());
    JsonNode open = JSON.readTree(unseal.out());
    assertEquals("filling", open.path("state").asText());
    assertTrue(open.path("seal").isNull());
    assertEquals(sealA, open.path("previousSeal"));
    assertEquals(0, prefetch("2026Q4", manifest("a2", List.of(a2))).code());
    CliRun reseal = cli("seal", "2026Q4");
    assertEquals(0, reseal.code(), reseal.toString());
    assertEquals(sortUniqSha256(List.of(line("common-2.1.tgz", shared), line("a-1.0.tgz", onlyA),
        line("a-2.0.tgz", laterA)), tmp), JSON.readTree(reseal.out()).path("seal").path("digest").asText());

    // The set's audit trail: who, from where, why, and the seals.
    HttpResponse<String> audit = api("GET", "/api/v1/sets/2026Q4/audit", null, null);
    assertEquals(200, audit.statusCode(), audit.body());
    JsonNode entries = JSON.readTree(audit.body()).path("entries");
    List<String> actions = new ArrayList<>();
    entries.forEach(e -> actions.add(e.path("action").asText()));
    assertEquals(List.of("create", "seal", "unseal", "seal"), actions);
    for (JsonNode e : entries) {
      assertEquals("2026Q4", e.path("set").asText());
      assertEquals(env.server().token().id(), e.path("by").asText());
      assertEquals("127.0.0.1", e.path("client").asText());
      assertTrue(e.path("time").asText().endsWith("Z"), e.toString());
    }
    assertEquals("bulk build 2026Q4 starts", entries.get(1).path("reason").asText());
    assertEquals(sealA, entries.get(1).path("seal"));
    assertEquals("add a-2.0", entries.get(2).path("reason").asText());
    assertEquals(sealA, entries.get(2).path("seal"), "the unseal names the seal that ended");
    assertTrue(entries.get(0).path("seal").isNull());
    long next = JSON.readTree(audit.body()).path("next").asLong();
    HttpResponse<String> after = api("GET", "/api/v1/sets/2026Q4/audit?since=" + next, null, null);
    assertEquals(0, JSON.readTree(after.body()).path("entries").size(), after.body());
    HttpResponse<String> paged = api("GET", "/api/v1/sets/2026Q4/audit?limit=1&since="
        + entries.get(0).path("cursor").asLong(), null, null);
    assertEquals("seal", JSON.readTree(paged.body()).path("entries").get(0).path("action").asText(), paged.body());
  }

  @Test
  void deleteRulesAndRefusals() throws Exception {
    assertEquals(0, prefetch("old", manifest("old", List.of(a(), sharedIn("a")))).code());
    assertEquals(0, prefetch("new", manifest("new", List.of(b(), sharedIn("b")))).code());

    CliRun defaultSet = cli("sets", "delete", "default");
    assertEquals(2, defaultSet.code(), defaultSet.toString());
    assertTrue(defaultSet.err().contains("the set default cannot be deleted"), defaultSet.toString());
    HttpResponse<String> viaApi = api("DELETE", "/api/v1/sets/default", null, null);
    assertEquals(400, viaApi.statusCode(), viaApi.body());

    assertEquals(0, cli("seal", "old").code());
    CliRun sealedDelete = cli("sets", "delete", "old");
    assertEquals(1, sealedDelete.code(), sealedDelete.toString());
    assertTrue(sealedDelete.err().contains("HTTP 409"), sealedDelete.toString());
    assertTrue(sealedDelete.err().contains("set old is sealed"), sealedDelete.toString());
    assertEquals("sealed", set("old").path("state").asText());

    assertEquals(0, cli("unseal", "old").code());
    CliRun deleted = cli("sets", "delete", "old");
    assertEquals(0, deleted.code(), deleted.toString());
    assertEquals("{\"name\":\"old\",\"deleted\":2}", deleted.out().strip());
    assertEquals(404, api("GET", "/api/v1/sets/old", null, null).statusCode());
    assertEquals("no set old", JSON.readTree(api("GET", "/api/v1/sets/old", null, null).body()).path("error").asText());
    assertEquals(3, TestContent.blobFiles(data).size(), "deleting a set never deletes blobs");
    assertEquals(2, set("new").path("present").asLong(), "the other set keeps its shared distfile");

    // The trail outlives the set: it ends with the delete.
    List<String> names = new ArrayList<>();
    JSON.readTree(api("GET", "/api/v1/sets", null, null).body()).path("sets")
        .forEach(s -> names.add(s.path("name").asText()));
    assertEquals(List.of("default", "new"), names);

    HttpResponse<String> unknown = api("DELETE", "/api/v1/sets/old", null, null);
    assertEquals(404, unknown.statusCode(), unknown.body());
    HttpResponse<String> unknownState = api("PUT", "/api/v1/sets/nope/state", "application/json", "{\"state\":\"sealed\"}");
    assertEquals(404, unknownState.statusCode(), unknownState.body());
    assertEquals(404, api("POST", "/api/v1/sets/nope/have", "application/json", "{\"entries\":[]}").statusCode());
    HttpResponse<String> badName = api("GET", "/api/v1/sets/bad%20name", null, null);
    assertEquals(400, badName.statusCode(), badName.body());
    assertTrue(badName.body().contains("invalid set name 'bad%20name': only A-Z, a-z, 0-9"), badName.body());
    HttpResponse<String> badState = api("PUT", "/api/v1/sets/new/state", "application/json", "{\"state\":\"closed\"}");
    assertEquals(400, badState.statusCode(), badState.body());
    HttpResponse<String> extra = api("PUT", "/api/v1/sets/new/state", "application/json",
        "{\"state\":\"sealed\",\"by\":\"me\"}");
    assertEquals(400, extra.statusCode(), extra.body());
    assertEquals("filling", set("new").path("state").asText());

    CliRun badCli = cli("seal", "../etc");
    assertEquals(2, badCli.code(), badCli.toString());
    assertTrue(badCli.err().contains("invalid set name '../etc': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed"),
        badCli.toString());
    CliRun badPrefetch = prefetch("a b", manifest("x", List.of(a())));
    assertEquals(2, badPrefetch.code(), badPrefetch.toString());
    assertTrue(badPrefetch.err().contains("--set: invalid set name 'a b'"), badPrefetch.toString());
    CliRun unknownSeal = cli("seal", "nope");
    assertEquals(1, unknownSeal.code(), unknownSeal.toString());
    assertTrue(unknownSeal.err().contains("no set nope"), unknownSeal.toString());
  }

  @Test
  void whileOfflineNoSetTakesUploadsAndDefaultStaysSealed() throws Exception {
    assertEquals(0, prefetch("q", manifest("q", List.of(a()))).code());
    assertEquals(0, cli("mode", "offline", "--reason", "build").code());
    assertEquals("sealed", set("default").path("state").asText(), "mode offline seals the default set");
    HttpResponse<String> unsealDefault = api("PUT", "/api/v1/sets/default/state", "application/json",
        "{\"state\":\"filling\"}");
    assertEquals(409, unsealDefault.statusCode(), unsealDefault.body());
    assertEquals("the server is offline: `distvault mode online` first",
        JSON.readTree(unsealDefault.body()).path("error").asText());
    HttpResponse<String> upload = api("POST", "/api/v1/sets/q/manifest", "application/x-ndjson", manifestLine(b()));
    assertEquals(409, upload.statusCode(), upload.body());
    HttpResponse<String> fresh = api("POST", "/api/v1/sets/fresh/manifest", "application/x-ndjson", manifestLine(b()));
    assertEquals(409, fresh.statusCode(), fresh.body());
    assertEquals(404, api("GET", "/api/v1/sets/fresh", null, null).statusCode(), "a refused manifest creates no set");
    assertEquals(0, cli("seal", "q").code(), "sealing works offline");

    assertEquals(0, cli("mode", "online").code());
    assertEquals("filling", set("default").path("state").asText());
    assertEquals("sealed", set("q").path("state").asText(), "the mode never unseals another set");
    List<String> defaultTrail = new ArrayList<>();
    JSON.readTree(api("GET", "/api/v1/sets/default/audit", null, null).body()).path("entries")
        .forEach(e -> defaultTrail.add(e.path("action").asText() + ":" + e.path("to").asText("")));
    assertEquals(List.of("mode:online", "mode:offline", "mode:online"), defaultTrail,
        "the mode changes are the default set's trail");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
