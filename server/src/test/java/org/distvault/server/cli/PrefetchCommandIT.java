package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.source.PkgsrcFixture;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.mode.Mode;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault prefetch} in-process against a real server on loopback and a loopback
 * upstream that has good files, a 404 and a file with the wrong bytes: what the cache serves
 * afterwards, the report and pbulk failure list, the violation the failure explains, reruns.
 */
@Timeout(120)
class PrefetchCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path tmp;
  private CliServer env;
  private Upstream up;

  private final byte[] g0 = TestContent.bytes(1, 120_000);
  private final byte[] g1 = TestContent.bytes(2, 1_500_000);
  private final byte[] g2 = TestContent.bytes(3, 1);
  private final byte[] shared = TestContent.bytes(4, 50_000);
  private final byte[] liarExpected = TestContent.bytes(5, 2000);
  private final byte[] liarServed = TestContent.bytes(6, 2000);

  @BeforeEach
  void start() throws IOException {
    env = CliServer.start(data);
    up = env.upstream();
    up.on("/g0.tgz", Upstream.file(g0)).on("/g1.tgz", Upstream.file(g1)).on("/dir/g2.zip", Upstream.file(g2))
        .on("/s.tgz", Upstream.file(shared)).on("/liar.tgz", Upstream.file(liarServed));
  }

  @AfterEach
  void stop() throws IOException {
    env.close();
  }

  private List<ExpectedDistfile> entries() {
    return List.of(
        TestContent.entry("g0.tgz", "cat/g0", g0, up.url("/g0.tgz")),
        TestContent.entry("g1.tgz", "cat/g1", g1, up.url("/g1.tgz")),
        TestContent.entry("sub-2/g2.zip", "cat/g2", g2, up.url("/dir/g2.zip")),
        TestContent.entry("shared-a.tgz", "cat/sa", shared, up.url("/s.tgz")),
        TestContent.entry("shared-b.tgz", "cat/sb", shared, up.url("/s.tgz")),
        TestContent.entry("gone.tgz", "cat/gone", TestContent.bytes(7, 10), up.url("/gone.tgz")),
        TestContent.entry("liar.tgz", "cat/liar", liarExpected, up.url("/liar.tgz")));
  }

  private Path manifest(List<ExpectedDistfile> entries) throws IOException {
    return CliServer.writeManifest(tmp.resolve("manifest.jsonl"), entries);
  }

  private CliRun prefetch(String... more) {
    return env.command("prefetch", more);
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return env.get(path);
  }

  private void assertServed(String path, byte[] content) throws Exception {
    HttpResponse<byte[]> r = get(path);
    assertEquals(200, r.statusCode(), path);
    assertArrayEquals(content, r.body(), path);
  }

  private String liarReason() {
    return "SHA512 mismatch: expected " + TestContent.sha512(liarExpected) + ", got " + TestContent.sha512(liarServed)
        + " from " + up.url("/liar.tgz");
  }

  @Test
  void manifestPrefetchFillsTheCacheReportsFailuresAndTheViolationCarriesTheReason() throws Exception {
    Path m = manifest(entries());
    Path report = tmp.resolve("report.json");
    Path failures = tmp.resolve("failures.txt");

    CliRun r = prefetch("--manifest", m.toString(), "--report", report.toString(), "--failures", failures.toString(),
        "--jobs", "4", "--per-host", "2", "--work-dir", tmp.resolve("work").toString());

    assertEquals(1, r.code(), r.toString());
    assertEquals("", r.out(), "the report went to --report");
    assertServed("/pkg/cat/g0/g0.tgz", g0);
    assertServed("/distfiles/g1.tgz", g1);
    assertServed("/pkg/cat/g2/sub-2/g2.zip", g2);
    assertServed("/distfiles/shared-a.tgz", shared);
    assertServed("/pkg/cat/sb/shared-b.tgz", shared);
    assertEquals(1, up.requests("/s.tgz"), "one download for one content under two names");
    assertEquals(1, up.requests("/gone.tgz"), "a 404 is not retried");

    String goneReason = "HTTP 404 from " + up.url("/gone.tgz");
    assertEquals("cat/gone\tgone.tgz\t" + goneReason + "\ncat/liar\tliar.tgz\t" + liarReason() + "\n",
        Files.readString(failures));

    JsonNode json = JSON.readTree(report.toFile());
    JsonNode summary = json.path("summary");
    assertEquals(List.of(7, 5, 0, 2), List.of(summary.path("entries").asInt(), summary.path("ok").asInt(),
        summary.path("present").asInt(), summary.path("failed").asInt()), "entries, ok, present, failed");
    assertEquals(g0.length + g1.length + g2.length + 2L * shared.length + liarServed.length,
        summary.path("bytes").asLong(), "shared downloads count for each entry; the 404 brought nothing");
    assertEquals("something_failed", summary.path("result").asText());
    assertEquals(0, json.path("runErrors").size(), json.toString());
    List<String> outcomes = new ArrayList<>();
    for (JsonNode o : json.path("outcomes")) {
      outcomes.add(o.path("name").asText() + " " + o.path("pkgpaths") + " " + o.path("status").asText() + " "
          + o.path("url").asText() + " " + o.path("sha512").asText("-") + " " + o.path("reason").asText("-")
          + " attempts=" + o.path("attempts").size());
    }
    assertEquals(List.of(
        "g0.tgz [\"cat/g0\"] ok " + up.url("/g0.tgz") + " " + TestContent.sha512(g0) + " - attempts=0",
        "g1.tgz [\"cat/g1\"] ok " + up.url("/g1.tgz") + " " + TestContent.sha512(g1) + " - attempts=0",
        "sub-2/g2.zip [\"cat/g2\"] ok " + up.url("/dir/g2.zip") + " " + TestContent.sha512(g2) + " - attempts=0",
        "shared-a.tgz [\"cat/sa\"] ok " + up.url("/s.tgz") + " " + TestContent.sha512(shared) + " - attempts=0",
        "shared-b.tgz [\"cat/sb\"] ok " + up.url("/s.tgz") + " " + TestContent.sha512(shared) + " - attempts=0",
        "gone.tgz [\"cat/gone\"] failed " + up.url("/gone.tgz") + " - " + goneReason + " attempts=1",
        "liar.tgz [\"cat/liar\"] failed " + up.url("/liar.tgz") + " - " + liarReason() + " attempts=1"),
        outcomes);
    assertEquals("HTTP_STATUS", json.path("outcomes").get(5).path("attempts").get(0).path("kind").asText());

    assertTrue(r.err().contains("prefetch: manifest uploaded: 7 entries (7 new, 0 merged)"), r.toString());
    assertTrue(r.err().contains("failed: cat/gone gone.tgz: " + goneReason + "\n"), r.toString());
    assertTrue(r.err().matches("(?s).*prefetch: 7 distfiles: 5 fetched, 0 already in the cache, 2 failed; "
        + "1\\.7 MB downloaded in \\d+\\.\\d s\n"), r.toString());
    assertFalse(Files.exists(tmp.resolve("work/spool")) && Files.list(tmp.resolve("work/spool")).findAny().isPresent(),
        "nothing left in the spool");

    // Sealed: the failed file is a violation that names its package and the prefetch failure.
    assertEquals(0, env.cli("mode", "offline").code());
    HttpResponse<byte[]> miss = get("/pkg/cat/gone/gone.tgz");
    assertEquals(404, miss.statusCode());
    assertEquals("not-prefetched: cat/gone gone.tgz was not prefetched: " + goneReason,
        new String(miss.body(), StandardCharsets.UTF_8).strip());
    CliRun v = env.command("violations", "--format", "json");
    JsonNode violation = JSON.readTree(v.out().strip());
    assertEquals("not-prefetched", violation.path("kind").asText());
    assertEquals("gone.tgz", violation.path("name").asText());
    assertEquals("[\"cat/gone\"]", violation.path("pkgpaths").toString());
    assertEquals(goneReason, violation.path("reason").asText());
  }

  @Test
  void rerunDownloadsNothingAlreadyHeldAndPlanOnlyDownloadsNothing() throws Exception {
    Path m = manifest(entries());
    CliRun first = prefetch("--manifest", m.toString(), "--report", tmp.resolve("r1.json").toString());
    assertEquals(1, first.code(), first.toString());
    int sharedRequests = up.requests("/s.tgz");
    int total = up.totalRequests();

    CliRun plan = prefetch("--manifest", m.toString(), "--plan-only");
    assertEquals(0, plan.code(), plan.toString());
    assertEquals("{\"entries\":7,\"present\":5,\"toFetch\":2,\"downloads\":2,\"knownBytes\":2010,\"inputErrors\":0}",
        plan.out().strip());
    assertTrue(plan.err().contains("prefetch: plan: 7 distfiles, 5 already in the cache, 2 to fetch in 2 downloads"),
        plan.toString());
    assertEquals(total, up.totalRequests(), "--plan-only downloads nothing");

    Path failures = tmp.resolve("failures-2.txt");
    CliRun again = prefetch("--manifest", m.toString(), "--failures", failures.toString());
    assertEquals(1, again.code(), again.toString());
    JsonNode json = JSON.readTree(again.out());
    assertEquals(5, json.path("summary").path("present").asInt(), again.toString());
    assertEquals(2, json.path("summary").path("failed").asInt());
    assertEquals(0, json.path("summary").path("ok").asInt());
    assertEquals(total + 2, up.totalRequests(), "only the two failed files are tried again");
    assertEquals(sharedRequests, up.requests("/s.tgz"));
    assertEquals(1, up.requests("/g0.tgz"));
    assertEquals(2, Files.readAllLines(failures).size());
    assertTrue(again.err().contains("prefetch: manifest uploaded: 7 entries (0 new, 7 merged)"), again.toString());
  }

  /** The scrape of /metrics, as text. */
  private String metrics() throws Exception {
    HttpResponse<byte[]> r = get("/metrics");
    assertEquals(200, r.statusCode());
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void theManifestUploadAnswersWhatIsHeldSoNoHaveCallIsSent() throws Exception {
    Path m = manifest(entries());
    CliRun first = prefetch("--manifest", m.toString(), "--report", tmp.resolve("r1.json").toString());
    assertEquals(1, first.code(), first.toString());
    CliRun plan = prefetch("--manifest", m.toString(), "--plan-only");
    assertEquals(0, plan.code(), plan.toString());
    assertEquals("{\"entries\":7,\"present\":5,\"toFetch\":2,\"downloads\":2,\"knownBytes\":2010,\"inputErrors\":0}",
        plan.out().strip());
    // A new set: the names are new to it, the five held blobs are bound into it by the upload.
    CliRun inSet = prefetch("--manifest", m.toString(), "--plan-only", "--set", "q1");
    assertEquals(0, inSet.code(), inSet.toString());
    assertEquals(plan.out(), inSet.out());

    String scrape = metrics();
    assertTrue(scrape.contains("distvault_ingest_total{kind=\"manifest\",result=\"ok\"} 3.0"), scrape);
    assertFalse(scrape.contains("kind=\"have\""), "no have call: " + scrape);
  }

    @Test
  void everythingCachedExitsZeroWithAnEmptyFailureList() throws Exception {
    List<ExpectedDistfile> good = entries().subList(0, 5);
    Path m = manifest(good);
    Path failures = tmp.resolve("failures.txt");
    Files.writeString(failures, "stale line from an earlier run\n");
    CliRun r = prefetch("--manifest", m.toString(), "--failures", failures.toString(), "--report",
        tmp.resolve("r.json").toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals("", Files.readString(failures));
  }

  @Test
  void malformedManifestIsBadInputNamingFileAndLineAndUploadsNothing() throws Exception {
    Path m = tmp.resolve("bad.jsonl");
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    try (ManifestWriter w = new ManifestWriter(first)) {
      w.write(entries().get(0));
    }
    Files.writeString(m, first.toString(StandardCharsets.UTF_8) + "{\"name\":\"../evil.tgz\",\"size\":3}\nnot json\n");
    CliRun r = prefetch("--manifest", m.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().startsWith("distvault prefetch: " + m + ":2: "), r.toString());
    assertTrue(r.err().contains("\n  " + m + ":3: "), r.toString());
    assertTrue(r.err().contains("2 malformed lines in " + m + ": nothing was uploaded or fetched"), r.toString());
    assertEquals(0, up.totalRequests());
    assertEquals(0, env.server().vault().stats().variants(), "no manifest reached the server");
  }

  @Test
  void twoLinesDisagreeingAboutOnePackagesFileAreBadInputNamingBothLines() throws Exception {
    ExpectedDistfile g0 = entries().get(0);
    ExpectedDistfile other = TestContent.entry("g0.tgz", "cat/g0", TestContent.bytes(8, (int) g0.size().getAsLong()),
        up.url("/g0.tgz"));
    Path m = manifest(List.of(g0, entries().get(1), other));
    CliRun r = prefetch("--manifest", m.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().startsWith("distvault prefetch: " + m + ":3: g0.tgz for PKGPATH cat/g0 conflicts with line 1: "
        + "SHA512 differs"), r.toString());
    assertTrue(r.err().contains("1 malformed line in " + m + ": nothing was uploaded or fetched"), r.toString());
    assertEquals(0, up.totalRequests());
    assertEquals(0, env.server().vault().stats().variants(), "no manifest reached the server");
  }

  @Test
  void offlineServerFailsBeforeReadingTheInput() throws Exception {
    assertEquals(0, env.cli("mode", "offline").code());
    CliRun r = prefetch("--manifest", manifest(entries()).toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("is offline (sealed) and refuses uploads: switch it online first"), r.toString());
    assertEquals(Mode.OFFLINE, env.server().modes().current());
    assertEquals(0, up.totalRequests());
  }

  @Test
  void distinfoWithAFileSiteImportsAnExistingDistdir() throws Exception {
    byte[] a = TestContent.bytes(20, 30_000);
    byte[] b = TestContent.bytes(21, 4_000);
    Path tree = tmp.resolve("pkgsrc");
    writeDistinfo(tree.resolve("cat/a/distinfo"), Map.of("a-1.0.tar.gz", a));
    writeDistinfo(tree.resolve("cat/b/distinfo"), Map.of("b-2/b-data.zip", b));
    Path distdir = tmp.resolve("distfiles");
    Files.createDirectories(distdir.resolve("b-2"));
    Files.write(distdir.resolve("a-1.0.tar.gz"), a);
    Files.write(distdir.resolve("b-2/b-data.zip"), b);

    CliRun r = prefetch("--distinfo", tree.toString(), "--site", distdir.toUri().toString());

    assertEquals(0, r.code(), r.toString());
    JsonNode json = JSON.readTree(r.out());
    assertEquals(2, json.path("summary").path("ok").asInt(), r.toString());
    assertEquals(distdir.resolve("b-2/b-data.zip").toUri().toString(), json.path("outcomes").get(1).path("url").asText());
    assertServed("/pkg/cat/a/a-1.0.tar.gz", a);
    assertServed("/pkg/cat/b/b-2/b-data.zip", b);
    assertTrue(r.err().contains("prefetch: manifest uploaded: 2 entries (2 new, 0 merged)"), r.toString());
    assertEquals(0, up.totalRequests());
  }

  @Test
  void pkgsrcScanFailuresAreListedPerPackageForPbulk() throws Exception {
    Path fixture = PkgsrcFixture.tree();
    Path presolve = Files.writeString(tmp.resolve("presolve"), """
        PKGNAME=broken-1.0
        PKG_LOCATION=devel/broken
        PKGNAME=meta-1.0
        PKG_LOCATION=devel/meta
        """);
    Path failures = tmp.resolve("failures.txt");
    CliRun r = prefetch("--pkgsrc", fixture.toString(), "--pbulk-presolve", presolve.toString(), "--failures",
        failures.toString(), "--report", tmp.resolve("r.json").toString());

    assertEquals(1, r.code(), r.toString());
    List<String> lines = Files.readAllLines(failures);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("devel/broken\t-\tmake-failed: devel/broken: bmake exited with status 1 "),
        lines.get(0));
    assertTrue(lines.get(0).contains("Malformed conditional"), lines.get(0));
    assertTrue(r.err().contains("error: devel/broken: bmake exited with status 1\n    "), r.toString());
    JsonNode report = JSON.readTree(tmp.resolve("r.json").toFile());
    assertEquals(0, report.path("summary").path("entries").asInt());
    assertTrue(report.path("runErrors").get(0).asText().startsWith("input: devel/broken: bmake exited with status 1"),
        report.toString());
    assertTrue(r.err().contains("; 1 input error (see above)"), r.toString());
  }

  /** Writes a modern distinfo (BLAKE2s, SHA512, Size) for these names and contents. */
  static void writeDistinfo(Path file, Map<String, byte[]> distfiles) throws IOException {
    List<String> lines = new ArrayList<>(List.of("$NetBSD$", ""));
    for (Map.Entry<String, byte[]> e : distfiles.entrySet()) {
      lines.add("BLAKE2s (" + e.getKey() + ") = " + TestContent.digest(DigestAlgorithm.BLAKE2S, e.getValue()).hex());
      lines.add("SHA512 (" + e.getKey() + ") = " + TestContent.sha512(e.getValue()));
      lines.add("Size (" + e.getKey() + ") = " + e.getValue().length + " bytes");
    }
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
