package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.ServerConfig;
import org.distvault.server.admin.ingest.ServerPrefetchHandler;
import org.distvault.server.testing.LogCapture;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault prefetch --on-server} and {@code POST /api/v1/prefetch}: the server downloads
 * from a loopback upstream (good files, a 404, a file with the wrong bytes, files that stall) into
 * its own store. The report, the failure list, what is served and what a later violation says
 * must be those of a run in the tool; the route's refusals and its one-run-at-a-time rule.
 */
@Timeout(120)
class PrefetchOnServerIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  @TempDir Path tmp;
  @RegisterExtension final LogCapture logged = new LogCapture(ServerPrefetchHandler.class, Level.INFO);
  private CliServer env;
  private Upstream up;

  private final byte[] g0 = TestContent.bytes(1, 120_000);
  private final byte[] g1 = TestContent.bytes(2, 1_500_000);
  private final byte[] shared = TestContent.bytes(4, 50_000);
  private final byte[] liarExpected = TestContent.bytes(5, 2000);
  private final byte[] liarServed = TestContent.bytes(6, 2000);
  private final byte[] slow = TestContent.bytes(8, 300_000);

  @BeforeEach
  void start() throws IOException {
    env = CliServer.start(ServerConfig.defaults(data).withPort(0).withUpstream(true));
    up = env.upstream();
    up.on("/g0.tgz", Upstream.file(g0)).on("/g1.tgz", Upstream.file(g1)).on("/s.tgz", Upstream.file(shared))
        .on("/liar.tgz", Upstream.file(liarServed));
  }

  @AfterEach
  void stop() throws IOException {
    env.close();
  }

  private List<ExpectedDistfile> entries() {
    return List.of(
        TestContent.entry("g0.tgz", "cat/g0", g0, up.url("/g0.tgz")),
        TestContent.entry("g1.tgz", "cat/g1", g1, up.url("/g1.tgz")),
        TestContent.entry("shared-a.tgz", "cat/sa", shared, up.url("/s.tgz")),
        TestContent.entry("shared-b.tgz", "cat/sb", shared, up.url("/s.tgz")),
        TestContent.entry("gone.tgz", "cat/gone", TestContent.bytes(7, 10), up.url("/gone.tgz")),
        TestContent.entry("liar.tgz", "cat/liar", liarExpected, up.url("/liar.tgz")));
  }

  private Path manifest(List<ExpectedDistfile> entries) throws IOException {
    return CliServer.writeManifest(tmp.resolve("manifest-" + System.nanoTime() + ".jsonl"), entries);
  }

  private String manifestText(List<ExpectedDistfile> entries) throws IOException {
    return Files.readString(manifest(entries));
  }

  private void assertServed(String path, byte[] content) throws Exception {
    HttpResponse<byte[]> r = env.get(path);
    assertEquals(200, r.statusCode(), path);
    assertArrayEquals(content, r.body(), path);
  }

  private static List<String> outcomeLines(JsonNode report) {
    List<String> lines = new ArrayList<>();
    for (JsonNode o : report.path("outcomes")) {
      lines.add(o.path("name").asText() + " " + o.path("status").asText() + " " + o.path("url").asText("-") + " "
          + o.path("sha512").asText("-") + " " + o.path("reason").asText("-") + " bytes=" + o.path("bytes").asLong()
          + " attempts=" + o.path("attempts").size());
    }
    return lines;
  }

  @Test
  void theServerFillsItsStoreAndTheReportFailuresAndViolationAreThoseOfARunInTheTool() throws Exception {
    Path m = manifest(entries());
    Path report = tmp.resolve("report.json");
    Path failures = tmp.resolve("failures.txt");
    Path work = tmp.resolve("work");

    CliRun r = env.command("prefetch", "--manifest", m.toString(), "--on-server", "--report", report.toString(),
        "--failures", failures.toString(), "--jobs", "4", "--per-host", "2", "--work-dir", work.toString());

    assertEquals(1, r.code(), r.toString());
    assertServed("/pkg/cat/g0/g0.tgz", g0);
    assertServed("/distfiles/g1.tgz", g1);
    assertServed("/distfiles/shared-a.tgz", shared);
    assertServed("/pkg/cat/sb/shared-b.tgz", shared);
    assertEquals(1, up.requests("/s.tgz"), "one download for one content under two names");
    assertEquals(1, up.requests("/gone.tgz"), "a 404 is not retried");
    String goneReason = "HTTP 404 from " + up.url("/gone.tgz");
    String liarReason = "SHA512 mismatch: expected " + TestContent.sha512(liarExpected) + ", got "
        + TestContent.sha512(liarServed) + " from " + up.url("/liar.tgz");
    assertEquals("cat/gone\tgone.tgz\t" + goneReason + "\ncat/liar\tliar.tgz\t" + liarReason + "\n",
        Files.readString(failures));

    JsonNode json = JSON.readTree(report.toFile());
    assertEquals(List.of(
        "g0.tgz ok " + up.url("/g0.tgz") + " " + TestContent.sha512(g0) + " - bytes=120000 attempts=0",
        "g1.tgz ok " + up.url("/g1.tgz") + " " + TestContent.sha512(g1) + " - bytes=1500000 attempts=0",
        "shared-a.tgz ok " + up.url("/s.tgz") + " " + TestContent.sha512(shared) + " - bytes=50000 attempts=0",
        "shared-b.tgz ok " + up.url("/s.tgz") + " " + TestContent.sha512(shared) + " - bytes=50000 attempts=0",
        "gone.tgz failed " + up.url("/gone.tgz") + " - " + goneReason + " bytes=0 attempts=1",
        "liar.tgz failed " + up.url("/liar.tgz") + " - " + liarReason + " bytes=2000 attempts=1"),
        outcomeLines(json));
    JsonNode liarAttempt = json.path("outcomes").get(5).path("attempts").get(0);
    assertEquals("DIGEST_MISMATCH", liarAttempt.path("kind").asText());
    assertEquals("NEXT_URL", liarAttempt.path("retry").asText());
    assertEquals(0, json.path("runErrors").size(), json.toString());
    assertTrue(r.err().matches("(?s).*prefetch: 6 distfiles: 4 fetched, 0 already in the cache, 2 failed; "
        + "1\\.7 MB downloaded in \\d+\\.\\d s\n"), r.toString());
    assertFalse(Files.exists(work.resolve("spool")), "the tool spooled nothing: " + r);
    assertTrue(Files.isDirectory(data.resolve("prefetch")), "the server's run lock and spool");
    try (var left = Files.list(data.resolve("tmp"))) {
      assertEquals(0, left.count(), "no temp file left by the rejected body");
    }

    // Sealed: the failed file is a violation that names its package and the server's failure.
    assertEquals(0, env.cli("mode", "offline").code());
    HttpResponse<byte[]> miss = env.get("/pkg/cat/liar/liar.tgz");
    assertEquals(404, miss.statusCode());
    assertEquals("not-prefetched: cat/liar liar.tgz was not prefetched: " + liarReason,
        new String(miss.body(), StandardCharsets.UTF_8).strip());

    // The route refuses while offline, before reading the body.
    HttpResponse<String> refused = env.api("POST", "/api/v1/prefetch", "application/x-ndjson", manifestText(entries()));
    assertEquals(409, refused.statusCode(), refused.body());
  }

  @Test
  void aRerunDownloadsOnlyWhatFailedAndTheSetRouteFillsThatSet() throws Exception {
    Path m = manifest(entries());
    assertEquals(1, env.command("prefetch", "--manifest", m.toString(), "--on-server", "--report",
        tmp.resolve("r1.json").toString()).code());
    int total = up.totalRequests();

    CliRun again = env.command("prefetch", "--manifest", m.toString(), "--on-server");
    assertEquals(1, again.code(), again.toString());
    JsonNode summary = JSON.readTree(again.out()).path("summary");
    assertEquals(List.of(6, 0, 4, 2), List.of(summary.path("entries").asInt(), summary.path("ok").asInt(),
        summary.path("present").asInt(), summary.path("failed").asInt()), again.out());
    assertEquals(total + 2, up.totalRequests(), "only the two failed files are tried again");

    List<ExpectedDistfile> good = entries().subList(0, 2);
    CliRun inSet = env.command("prefetch", "--manifest", manifest(good).toString(), "--on-server", "--set", "q1");
    assertEquals(0, inSet.code(), inSet.toString());
    assertServed("/set/q1/distfiles/g1.tgz", g1);
    assertEquals(total + 2, up.totalRequests(), "held blobs are bound into the new set, not downloaded");
  }

  @Test
  void aBodyLongerOrShorterThanTheListedSizeIsRejectedAndNothingIsKept() throws Exception {
    byte[] listed = TestContent.bytes(9, 1000);
    // The long one chunked: no Content-Length tells the fetcher beforehand.
    up.on("/long.tgz", Upstream.chunked(TestContent.bytes(9, 1500))).on("/short.tgz", Upstream.file(
        java.util.Arrays.copyOf(listed, 600)));
    List<ExpectedDistfile> odd = List.of(
        TestContent.entry("long.tgz", "cat/long", listed, up.url("/long.tgz")),
        TestContent.entry("short.tgz", "cat/short", listed, up.url("/short.tgz")));
    Path report = tmp.resolve("odd.json");
    CliRun r = env.command("prefetch", "--manifest", manifest(odd).toString(), "--on-server", "--report",
        report.toString());
    assertEquals(1, r.code(), r.toString());
    // One content under two names: one download, both URLs tried, each failure named.
    List<String> kinds = new ArrayList<>();
    for (JsonNode o : JSON.readTree(report.toFile()).path("outcomes")) {
      StringBuilder k = new StringBuilder(o.path("status").asText());
      o.path("attempts").forEach(a -> k.append(" ").append(a.path("kind").asText()));
      kinds.add(k.toString());
    }
    assertEquals(List.of("failed TOO_LONG SIZE_MISMATCH", "failed TOO_LONG SIZE_MISMATCH"), kinds, r.toString());
    assertEquals(404, env.get("/distfiles/long.tgz").statusCode());
    assertEquals(404, env.get("/distfiles/short.tgz").statusCode());
    try (var left = Files.list(data.resolve("tmp"))) {
      assertEquals(0, left.count(), "no temp file kept");
    }
  }

  @Test
  void theRouteStreamsOneLinePerEntryBetweenStartedAndDone() throws Exception {
    String body = manifestText(entries().subList(0, 2));
    HttpResponse<String> r = env.api("POST", "/api/v1/prefetch?jobs=2&per-host=1", "application/x-ndjson", body);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/x-ndjson", r.headers().firstValue("Content-Type").orElse(""));
    List<JsonNode> lines = new ArrayList<>();
    for (String l : r.body().split("\n")) {
      JsonNode n = JSON.readTree(l);
      if (!n.has("progress")) {
        lines.add(n);
      }
    }
    assertEquals(4, lines.size(), r.body());
    assertEquals("{\"started\":{\"entries\":2}}", lines.get(0).toString());
    List<String> ended = new ArrayList<>();
    for (JsonNode n : lines.subList(1, 3)) {
      ended.add(n.path("entry").asInt() + " " + n.path("outcome").path("name").asText() + " "
          + n.path("outcome").path("status").asText());
    }
    ended.sort(null);
    assertEquals(List.of("0 g0.tgz ok", "1 g1.tgz ok"), ended);
    JsonNode done = lines.get(3).path("done");
    assertEquals(2, done.path("entries").asInt(), r.body());
    assertEquals("[]", done.path("errors").toString());
    assertEquals(g0.length + g1.length, Math.max(lines.get(1).path("downloaded").asLong(),
        lines.get(2).path("downloaded").asLong()), "the last outcome line counts every byte");
  }

  @Test
  void badInputIsRefusedWith400NamingWhatIsWrong() throws Exception {
    HttpResponse<String> jobs = env.api("POST", "/api/v1/prefetch?jobs=0", "application/x-ndjson",
        manifestText(entries()));
    assertEquals(400, jobs.statusCode());
    assertEquals("query parameter 'jobs' must be a whole number from 1 to 64, got '0'",
        JSON.readTree(jobs.body()).path("error").asText());

    HttpResponse<String> line = env.api("POST", "/api/v1/prefetch", "application/x-ndjson",
        manifestText(entries().subList(0, 1)) + "{\"name\":\"x.tgz\"\n");
    assertEquals(400, line.statusCode());
    assertTrue(JSON.readTree(line.body()).path("error").asText().startsWith("line 2: "), line.body());

    Path local = tmp.resolve("local.tgz");
    Files.write(local, g0);
    ExpectedDistfile file = TestContent.entry("local.tgz", "cat/local", g0, local.toUri().toString());
    CliRun r = env.command("prefetch", "--manifest", manifest(List.of(file)).toString(), "--on-server");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("entry 1 (local.tgz): URL " + local.toUri() + " is not http, https or ftp: "
        + "the server fetches only from the network; import local files with the tool (without --on-server)"),
        r.toString());
    assertEquals(404, env.get("/distfiles/local.tgz").statusCode(), "nothing was fetched");

    CliRun many = env.command("prefetch", "--manifest", manifest(entries()).toString(), "--on-server", "--jobs",
        "65");
    assertEquals(2, many.code(), many.toString());
    assertTrue(many.err().contains("--jobs and --per-host must be at most 64 with --on-server, got 65 and 2"),
        many.toString());
  }

  @Test
  void oneRunAtATimeAndAClientThatGoesAwayCancelsItsRun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    up.on("/slow.tgz", Upstream.halfThenWait(slow, release));
    ExpectedDistfile slowEntry = TestContent.entry("slow.tgz", "cat/slow", slow, up.url("/slow.tgz"));
    byte[] body = manifestText(List.of(slowEntry)).getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", env.server().address().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/prefetch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + env.server().token().token()
          + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      String head = readUntil(in, "\"started\"");
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      waitUntil(() -> up.requests("/slow.tgz") == 1);

      HttpResponse<String> second = env.api("POST", "/api/v1/prefetch", "application/x-ndjson",
          manifestText(entries().subList(0, 1)));
      assertEquals(409, second.statusCode(), second.body());
      assertTrue(JSON.readTree(second.body()).path("error").asText().startsWith("a prefetch is already running on "
          + "this server (since "), second.body());
    }
    // The client is gone: a later line the server writes fails (a heartbeat at the latest), the run
    // is cancelled, and the download's delivery is refused once the body has come.
    waitUntil(() -> logged.events().stream().anyMatch(e -> e.getFormattedMessage().startsWith(
        "the client of a server-side prefetch went away")));
    release.countDown();
    waitUntil(() -> {
      try {
        return env.api("POST", "/api/v1/prefetch", "application/x-ndjson", manifestText(entries().subList(0, 1)))
            .statusCode() == 200;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertServed("/distfiles/g0.tgz", g0);
    assertEquals(404, env.get("/distfiles/slow.tgz").statusCode(), "the cancelled run stored nothing more");
  }

  @Test
  void shuttingDownStopsARunAndTheStoreOpensCleanAfterwards() throws Exception {
    List<ExpectedDistfile> wanted = new ArrayList<>(entries().subList(0, 1));
    for (int i = 0; i < 3; i++) {
      // Smaller than g0, so after it (largest first): g0 is stored before they start.
      byte[] body = TestContent.bytes(20 + i, 50_000);
      up.on("/t" + i + ".tgz", Upstream.trickle(body, 20, 100)); // about 2 s each
      wanted.add(TestContent.entry("t" + i + ".tgz", "cat/t" + i, body, up.url("/t" + i + ".tgz")));
    }
    Path m = manifest(wanted);
    CliRun[] run = new CliRun[1];
    Thread client = new Thread(() -> run[0] = env.command("prefetch", "--manifest", m.toString(), "--on-server",
        "--per-host", "8"));
    client.start();
    waitUntil(() -> up.requests("/t0.tgz") + up.requests("/t1.tgz") + up.requests("/t2.tgz") > 0);
    long start = System.nanoTime();
    env.server().close();
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertTrue(seconds < 20, "the run was stopped, not waited out: " + seconds + " s");
    client.join(30_000);
    assertEquals(1, run[0].code(), run[0].toString());
    assertTrue(run[0].err().contains("error: server: destination unavailable: the server is shutting down"),
        run[0].toString());

    env.close();
    env = CliServer.start(data); // the same store, no upstream: what is served is what was stored
    assertServed("/distfiles/g0.tgz", g0);
    for (int i = 0; i < 3; i++) {
      assertEquals(404, env.get("/distfiles/t" + i + ".tgz").statusCode(), "refused after the shutdown began");
    }
  }

  @Test
  void afterABodyBrokeOffTheNextUrlGoesThroughTheServersSpool() throws Exception {
    byte[] body = TestContent.bytes(40, 300_000);
    up.on("/whole.tgz", Upstream.file(body));
    try (RawUpstream raw = new RawUpstream(body)) {
      ExpectedDistfile e = TestContent.entry("cut.tgz", "cat/cut", body, raw.url("/truncated"), up.url("/whole.tgz"));
      Path report = tmp.resolve("cut.json");
      CliRun r = env.command("prefetch", "--manifest", manifest(List.of(e)).toString(), "--on-server", "--report",
          report.toString());
      assertEquals(0, r.code(), r.toString());
      JsonNode o = JSON.readTree(report.toFile()).path("outcomes").get(0);
      // A cut body is host trouble: tried three times (two retries), then the next URL, spooled.
      assertEquals("ok " + up.url("/whole.tgz") + " attempts=3 " + raw.url("/truncated"),
          o.path("status").asText() + " " + o.path("url").asText() + " attempts=" + o.path("attempts").size() + " "
              + o.path("attempts").get(0).path("url").asText());
    }
    assertServed("/pkg/cat/cut/cut.tgz", body);
    try (var spool = Files.list(data.resolve("prefetch/spool"))) {
      assertEquals(0, spool.count(), "the verified spool file went into the store, nothing is left");
    }
  }

  @Test
  void refillOnServerFetchesWhatTheSealedBuildLacked() throws Exception {
    byte[] late = TestContent.bytes(30, 40_000);
    up.on("/late.tgz", Upstream.status(404));
    List<ExpectedDistfile> wanted = List.of(entries().get(0),
        TestContent.entry("late.tgz", "cat/late", late, up.url("/late.tgz")));
    assertEquals(1, env.command("prefetch", "--manifest", manifest(wanted).toString(), "--on-server", "--set",
        "q4").code());
    assertEquals(0, env.cli("seal", "q4").code());
    assertEquals(404, env.get("/set/q4/pkg/cat/late/late.tgz").statusCode(), "a violation of the sealed set");
    up.on("/late.tgz", Upstream.file(late));

    CliRun refill = env.cli("refill", "q4", "--on-server");

    assertEquals(0, refill.code(), refill.toString());
    assertTrue(refill.out().contains("added: 1\n  late.tgz\n"), refill.toString());
    assertServed("/set/q4/pkg/cat/late/late.tgz", late);
    assertEquals(2, up.requests("/late.tgz"), "fetched again once, by the server");
  }

  @Test
  void aServerStartedWithoutUpstreamRefusesNamingTheFlag() throws Exception {
    env.close();
    env = CliServer.start(tmp.resolve("other-data"));
    up = env.upstream();
    up.on("/g0.tgz", Upstream.file(g0));
    CliRun r = env.command("prefetch", "--manifest", manifest(entries().subList(0, 1)).toString(), "--on-server");
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("the server refuses the prefetch: ") && r.err().contains(
        "this server was started with --no-upstream and opens no outbound connection: run the prefetch in the tool "
            + "(without --on-server)"), r.toString());
    assertEquals(0, up.totalRequests());
  }

  private static String readUntil(InputStream in, String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (int b = in.read(); b >= 0 && seen.length() < 65536; b = in.read()) {
      seen.append((char) b);
      if (seen.indexOf(marker) >= 0) {
        return seen.toString();
      }
    }
    return seen.toString();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(50);
    }
  }
}
