package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.SealCheck;
import org.distvault.server.testing.TestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault export} of a sealed set (a DIST_SUBDIR name, a name with two contents, an
 * unbound entry) and {@code distvault import} of it into fresh servers: the layout, the seal
 * digests equal, re-runs that do nothing new, a tampered file refused and the set left filling.
 */
@Timeout(180)
class ExportImportIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SET = "2026Q4";
  static final String AMBIGUOUS = "v2.1.0.tar.gz";

  @TempDir Path data;
  @TempDir Path data2;
  @TempDir Path data3;
  @TempDir Path tmp;
  private CliServer a;
  private final List<CliServer> more = new ArrayList<>();

  private final byte[] plain = TestContent.bytes(31, 40_000);
  private final byte[] sub = TestContent.bytes(32, 70_000);
  private final byte[] v1 = TestContent.bytes(33, 20_000);
  private final byte[] v2 = TestContent.bytes(34, 21_000);

  @BeforeEach
  void start() throws Exception {
    a = CliServer.start(data);
    Upstream up = a.upstream();
    up.on("/a.tgz", Upstream.file(plain)).on("/x.tgz", Upstream.file(sub)).on("/v1.tgz", Upstream.file(v1))
        .on("/v2.tgz", Upstream.file(v2)).on("/gone.tgz", Upstream.status(404));
    Path manifest = CliServer.writeManifest(tmp.resolve("manifest.jsonl"), List.of(
        TestContent.entry("a-1.0.tgz", "cat/a", plain, up.url("/a.tgz")),
        TestContent.entry("sub/x-1.0.tgz", "cat/x", sub, up.url("/x.tgz")),
        TestContent.entry(AMBIGUOUS, "wip/p1", v1, up.url("/v1.tgz")),
        TestContent.entry(AMBIGUOUS, "wip/p2", v2, up.url("/v2.tgz")),
        TestContent.entry("gone-1.0.tgz", "cat/gone", TestContent.bytes(35, 100), up.url("/gone.tgz"))));
    CliRun prefetch = a.cli("prefetch", "--set", SET, "--manifest", manifest.toString(),
        "--report", tmp.resolve("prefetch.json").toString());
    assertEquals(1, prefetch.code(), "gone-1.0.tgz fails: " + prefetch);
    CliRun seal = a.cli("seal", SET);
    assertEquals(0, seal.code(), seal.toString());
  }

  @AfterEach
  void stop() throws IOException {
    try {
      for (CliServer s : more) {
        s.close();
      }
    } finally {
      a.close();
    }
  }

  @Test
  void listingPagesThroughEveryVariantWithItsBlob() throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 10; page++) {
      HttpResponse<String> r = a.api("/api/v1/sets/" + SET + "/listing?limit=3"
          + (after == null ? "" : "&after=" + after));
      assertEquals(200, r.statusCode(), r.body());
      JsonNode reply = JSON.readTree(r.body());
      assertEquals("sealed", reply.path("state").asText());
      assertEquals(set(a, SET).path("seal"), reply.path("seal"));
      reply.path("entries").forEach(entries::add);
      if (reply.path("next").isNull()) {
        break;
      }
      after = reply.path("next").asText();
    }
    Map<String, String> bound = new HashMap<>();
    for (JsonNode e : entries) {
      bound.merge(e.path("name").asText(), e.path("sha512").isNull() ? "-" : e.path("sha512").asText(),
          (x, y) -> x + "," + y);
    }
    assertEquals(Map.of("a-1.0.tgz", TestContent.sha512(plain), "sub/x-1.0.tgz", TestContent.sha512(sub),
        AMBIGUOUS, TestContent.sha512(v1) + "," + TestContent.sha512(v2), "gone-1.0.tgz", "-"), bound);
    JsonNode x = entries.stream().filter(e -> e.path("name").asText().equals("sub/x-1.0.tgz")).findFirst()
        .orElseThrow();
    assertEquals(sub.length, x.path("size").asLong());
    // Every digest the blob record has (SHA-256 computed at ingest), not only the distinfo's.
    assertEquals(TestContent.digests(sub).get(org.distvault.storage.digest.DigestAlgorithm.SHA256).orElseThrow()
        .hex(), x.path("digests").path("sha256").asText());
    assertEquals(400, a.api("/api/v1/sets/" + SET + "/listing?limit=0").statusCode());
    assertEquals(404, a.api("/api/v1/sets/nosuch/listing").statusCode());
  }

  @Test
  void exportWritesTheDistdirLayoutAndImportSealsWithTheSameDigest() throws Exception {
    JsonNode sealA = set(a, SET).path("seal");
    String digest = sealA.path("digest").asText();
    assertEquals(SealCheck.sortUniqSha256(List.of(SealCheck.line("a-1.0.tgz", plain),
        SealCheck.line("sub/x-1.0.tgz", sub), SealCheck.line(AMBIGUOUS, v1), SealCheck.line(AMBIGUOUS, v2)), tmp),
        digest);
    Path exp = tmp.resolve("export");

    CliRun notSealed = a.cli("export", "default", "--to", exp.toString());
    assertEquals(2, notSealed.code(), notSealed.toString());
    assertTrue(notSealed.err().contains("not sealed"), notSealed.toString());

    // One name per listing page: paging goes on after "sub/x-1.0.tgz" (a '/' in the query).
    Path reportFile = tmp.resolve("export.json");
    CliRun export = a.cli("export", SET, "--to", exp.toString(), "--listing-page", "1", "--report",
        reportFile.toString());
    assertEquals(0, export.code(), export.toString());
    List<String> out = export.out().lines().toList();
    assertEquals("set 2026Q4: seal " + digest + " (4 entries, " + sealA.path("at").asText() + ")", out.get(0));
    assertTrue(out.get(1).startsWith("exported: 5 ("), export.out());
    assertEquals(List.of("already present: 0", "failed: 0", "unbound (not in the seal, not exported): 1",
        "  gone-1.0.tgz\tcat/gone"), out.subList(2, 6));
    assertTrue(out.get(6).startsWith("conflicts (") && out.get(6).endsWith(": 1"), export.out());
    assertEquals(List.of("  " + AMBIGUOUS + "\t" + TestContent.sha512(v1) + "\twip/p1\tin DISTDIR",
        "  " + AMBIGUOUS + "\t" + TestContent.sha512(v2) + "\twip/p2"), out.subList(7, 9));

    // The DISTDIR layout, the variants, the manifest and the seal.
    assertArrayEquals(plain, Files.readAllBytes(exp.resolve("a-1.0.tgz")));
    assertArrayEquals(sub, Files.readAllBytes(exp.resolve("sub/x-1.0.tgz")));
    assertArrayEquals(v1, Files.readAllBytes(exp.resolve(AMBIGUOUS)));
    assertArrayEquals(v1, Files.readAllBytes(exp.resolve(".distvault/variants/" + TestContent.sha512(v1))));
    assertArrayEquals(v2, Files.readAllBytes(exp.resolve(".distvault/variants/" + TestContent.sha512(v2))));
    assertFalse(Files.exists(exp.resolve("gone-1.0.tgz")));
    // The report: each file with its path, the unbound variant, each content of the ambiguous name.
    JsonNode report = JSON.readTree(reportFile.toFile());
    assertEquals(JSON.readTree("""
        {"files": 5, "exported": 5, "bytesExported": 171000, "alreadyPresent": 0, "failed": 0, "unbound": 1,
         "conflicts": 1}"""), report.path("counts"));
    List<String> paths = new ArrayList<>();
    report.path("files").forEach(f -> paths.add(f.path("name").asText() + " " + f.path("path").asText() + " "
        + f.path("outcome").asText()));
    assertEquals(List.of("a-1.0.tgz a-1.0.tgz exported", "sub/x-1.0.tgz sub/x-1.0.tgz exported",
        AMBIGUOUS + " .distvault/variants/" + TestContent.sha512(v1) + " exported",
        AMBIGUOUS + " .distvault/variants/" + TestContent.sha512(v2) + " exported",
        AMBIGUOUS + " " + AMBIGUOUS + " exported").stream().sorted().toList(), paths, "by name, then path");
    assertEquals(JSON.readTree("""
        [{"name": "gone-1.0.tgz", "pkgpaths": ["cat/gone"]}]"""), report.path("unbound"));
    assertEquals(JSON.readTree("""
        [{"name": "%s", "variants": [
          {"sha512": "%s", "bytes": 20000, "pkgpaths": ["wip/p1"], "inDistdir": true},
          {"sha512": "%s", "bytes": 21000, "pkgpaths": ["wip/p2"], "inDistdir": false}]}]"""
        .formatted(AMBIGUOUS, TestContent.sha512(v1), TestContent.sha512(v2))), report.path("conflicts"));
    try (var files = Files.walk(exp)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".distvault-part")).toList());
    }
    List<String> manifest = Files.readAllLines(exp.resolve(".distvault/manifest.jsonl"));
    assertEquals(5, manifest.size(), manifest.toString());
    for (String line : manifest) {
      JsonNode l = JSON.readTree(line);
      assertEquals(List.of("name", "pkgpaths", "size", "digests", "urls", "sha512"), fieldNames(l), line);
    }
    JsonNode x = JSON.readTree(manifest.stream().filter(l -> l.contains("sub/x-1.0.tgz")).findFirst().orElseThrow());
    assertEquals(TestContent.sha512(sub), x.path("sha512").asText());
    assertEquals(TestContent.sha512(sub), x.path("digests").path("sha512").asText());
    assertTrue(x.path("digests").has("blake2s") && x.path("digests").has("sha256"), x.toString());
    JsonNode sealJson = JSON.readTree(exp.resolve(".distvault/seal.json").toFile());
    assertEquals(SET, sealJson.path("set").asText());
    assertEquals(digest, sealJson.path("digest").asText());
    assertEquals(4, sealJson.path("entries").asLong());
    assertEquals(sealA.path("at").asText(), sealJson.path("at").asText());

    // A plain DISTDIR check, as pkgsrc's checksum step does it: the SHA512 lines of the packages'
    // distinfo (one package of the ambiguous name, wip/p1, whose content is in DISTDIR), checked
    // with sha512sum -c, which reads distinfo's "SHA512 (name) = hex" lines as they are.
    Path distinfo = tmp.resolve("distinfo");
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put("a-1.0.tgz", plain);
    files.put("sub/x-1.0.tgz", sub);
    files.put(AMBIGUOUS, v1);
    PrefetchCommandIT.writeDistinfo(distinfo, files);
    Path sums = tmp.resolve("SHA512SUMS");
    Files.write(sums, Files.readAllLines(distinfo).stream().filter(l -> l.startsWith("SHA512 (")).toList());
    assertEquals(3, Files.readAllLines(sums).size());
    Process p = new ProcessBuilder("sha512sum", "--strict", "-c", sums.toString()).directory(exp.toFile())
        .redirectErrorStream(true).start();
    String check = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), check);
    assertEquals(3, check.lines().filter(l -> l.endsWith(": OK")).count(), check);

    // Again: nothing new.
    CliRun again = a.cli("export", SET, "--to", exp.toString());
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("\nexported: 0 (0 B)\nalready present: 5\nfailed: 0\n"), again.out());

    // Into a fresh server: the same seal digest, printed beside the exported one.
    CliServer b = another(data2);
    // DIR given relative to the working directory, as a user types it.
    CliRun imp = b.command("import", Path.of("").toAbsolutePath().relativize(exp).toString());
    assertEquals(0, imp.code(), imp.toString());
    JsonNode sealB = set(b, SET).path("seal");
    assertEquals(digest, sealB.path("digest").asText());
    assertEquals(4, sealB.path("entries").asLong());
    assertTrue(imp.out().startsWith("uploaded: 4\nalready held: 0\nfailed: 0\n"), imp.out());
    assertTrue(imp.out().contains("exported seal: " + digest + " (4 entries, set 2026Q4, "), imp.out());
    assertTrue(imp.out().contains("imported seal: " + digest + " (4 entries, set 2026Q4, "), imp.out());
    // The imported set serves what the export holds, each package its own variant.
    assertArrayEquals(v2, b.get("/set/" + SET + "/pkg/wip/p2/" + AMBIGUOUS).body());
    assertArrayEquals(sub, b.get("/set/" + SET + "/distfiles/sub/x-1.0.tgz").body());
    assertEquals("missing", stateOf(b, "gone-1.0.tgz"));

    // Again: nothing to do.
    CliRun impAgain = b.command("import", exp.toString());
    assertEquals(0, impAgain.code(), impAgain.toString());
    assertTrue(impAgain.out().contains("already sealed with the exported seal: nothing to do"), impAgain.out());
    assertEquals(sealB, set(b, SET).path("seal"));

    // Under another name, into the same server: blobs already held are bound, not uploaded.
    CliRun other = b.command("import", exp.toString(), "--set", "copy");
    assertEquals(0, other.code(), other.toString());
    assertTrue(other.out().startsWith("uploaded: 0\nalready held: 4\nfailed: 0\n"), other.out());
    assertEquals(digest, set(b, "copy").path("seal").path("digest").asText());
  }

  @Test
  void aTamperedFileIsSkippedAndTheSetIsLeftFillingUntilItIsFixed() throws Exception {
    Path exp = tmp.resolve("export");
    assertEquals(0, a.cli("export", SET, "--to", exp.toString()).code());
    String digest = set(a, SET).path("seal").path("digest").asText();
    Path x = exp.resolve("sub/x-1.0.tgz");
    byte[] bad = sub.clone();
    bad[1000] ^= 1;
    Files.write(x, bad);

    CliServer c = another(data3);
    CliRun imp = c.command("import", exp.toString());
    assertEquals(1, imp.code(), imp.toString());
    assertTrue(imp.out().startsWith("uploaded: 3\nalready held: 0\nfailed: 1\n  sub/x-1.0.tgz: tampered or "
        + "damaged, skipped: sub/x-1.0.tgz: "), imp.out());
    assertTrue(imp.out().contains("set 2026Q4 is left filling, not sealed"), imp.out());
    assertEquals("filling", set(c, SET).path("state").asText());
    assertEquals(404, c.get("/by-hash/sha512/" + TestContent.sha512(bad)).statusCode(), "nothing unverified stored");

    // Export again repairs the file (wrong SHA-512: fetched again); import does only what is left.
    CliRun repair = a.cli("export", SET, "--to", exp.toString());
    assertEquals(0, repair.code(), repair.toString());
    assertTrue(repair.out().contains("\nexported: 1 ("), repair.out());
    assertArrayEquals(sub, Files.readAllBytes(x));
    CliRun again = c.command("import", exp.toString());
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().startsWith("uploaded: 1\nalready held: 3\nfailed: 0\n"), again.out());
    assertEquals(digest, set(c, SET).path("seal").path("digest").asText());
  }

  @Test
  void aBlobDamagedOnTheServerIsNotKeptAndTheExportFails() throws Exception {
    Path blob = TestContent.blobFiles(data).stream()
        .filter(f -> f.getFileName().toString().equals(TestContent.sha512(plain))).findFirst().orElseThrow();
    blob.toFile().setWritable(true);
    byte[] bad = plain.clone();
    bad[7] ^= 1;
    Files.write(blob, bad);

    Path exp = tmp.resolve("export");
    CliRun export = a.cli("export", SET, "--to", exp.toString());
    assertEquals(1, export.code(), export.toString());
    assertTrue(export.out().contains("\nfailed: 1\n  a-1.0.tgz: "), export.out());
    assertFalse(Files.exists(exp.resolve("a-1.0.tgz")));
    assertArrayEquals(sub, Files.readAllBytes(exp.resolve("sub/x-1.0.tgz")), "the others are exported");
    try (var files = Files.walk(exp)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".distvault-part")).toList());
    }
  }

  private CliServer another(Path dir) throws IOException {
    CliServer s = CliServer.start(dir);
    more.add(s);
    return s;
  }

  private static JsonNode set(CliServer s, String name) throws Exception {
    HttpResponse<String> r = s.api("/api/v1/sets/" + name);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** The state of the variant of {@code name} in the set's listing. */
  private static String stateOf(CliServer s, String name) throws Exception {
    JsonNode reply = JSON.readTree(s.api("/api/v1/sets/" + SET + "/listing").body());
    for (JsonNode e : reply.path("entries")) {
      if (e.path("name").asText().equals(name)) {
        return e.path("sha512").isNull() ? "missing" : "bound";
      }
    }
    return "absent";
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
