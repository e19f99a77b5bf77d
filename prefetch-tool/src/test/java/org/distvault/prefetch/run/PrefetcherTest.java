package org.distvault.prefetch.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.distvault.prefetch.deliver.DirectorySink;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.testserver.FtpUpstream;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole prefetch run into a DISTDIR against upstreams that misbehave in every known way:
 * every good file arrives verified, every bad one is rejected with its own reason, nothing
 * unverified lands in the directory, and a rerun fetches nothing it already has.
 */
@Timeout(120)
class PrefetcherTest {
  @TempDir Path work;
  @TempDir Path distdir;
  @TempDir Path ftpRoot;
  @TempDir Path localDist;

  private Upstream up;
  private RawUpstream raw;
  private FtpUpstream ftp;
  private final Map<String, byte[]> good = new LinkedHashMap<>();
  private final List<ExpectedDistfile> entries = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    up = new Upstream();
    raw = new RawUpstream(TestFiles.bytes(99, 10_000));
    ftp = new FtpUpstream(ftpRoot);
  }

  @AfterEach
  void stop() throws IOException {
    up.close();
    raw.close();
    ftp.close();
  }

  private Prefetcher prefetcher() throws IOException {
    ThrottleSettings throttle = ThrottleSettings.defaults().withJobs(8, 2)
        .withBackoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(30));
    PrefetchConfig config = PrefetchConfig.defaults(work).withThrottle(throttle).withRetriesPerUrl(1);
    FetchSettings fetch = FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500));
    return new Prefetcher(config, SchemeFetcher.standard(fetch, Clock.systemUTC()), new DirectorySink(distdir),
        Progress.none(), Clock.systemUTC());
  }

  /** An HTTP entry whose upstream serves it with {@code behaviour}. */
  private ExpectedDistfile http(String name, byte[] content, Upstream.Behaviour behaviour) {
    up.on("/dist/" + name, behaviour);
    ExpectedDistfile e = TestFiles.entry(name, "cat/" + name.replaceAll("[^a-z0-9]", ""), content,
        up.url("/dist/" + name));
    entries.add(e);
    return e;
  }

  private void goodHttp(String name, byte[] content, Upstream.Behaviour behaviour) {
    http(name, content, behaviour);
    good.put(name, content);
  }

  private void buildScenario() throws IOException {
    goodHttp("good-1.0.tar.gz", TestFiles.bytes(1, 200_000), Upstream.file(TestFiles.bytes(1, 200_000)));
    goodHttp("chunked-2.1.tar.xz", TestFiles.bytes(2, 50_000), Upstream.chunked(TestFiles.bytes(2, 50_000)));
    goodHttp("sub/dir/deep-3.tgz", TestFiles.bytes(3, 4_000), Upstream.file(TestFiles.bytes(3, 4_000)));
    byte[] busy = TestFiles.bytes(4, 30_000);
    goodHttp("busy-4.tgz", busy, Upstream.busyOnce(429, "1", Upstream.file(busy)));

    // First URL is dead, second is good: the next URL is tried.
    byte[] fb = TestFiles.bytes(5, 20_000);
    up.on("/mirror/fallback-5.tgz", Upstream.file(fb));
    ExpectedDistfile fallback = new ExpectedDistfile(DistfileName.of("fallback-5.tgz"), OptionalLong.of(fb.length),
        TestFiles.digests(fb), Set.of("cat/fallback"), List.of(up.url("/dist/fallback-5.tgz"), up.url("/mirror/fallback-5.tgz")));
    entries.add(fallback);
    good.put("fallback-5.tgz", fb);

    // Two names (two packages) for one content: one download, both delivered.
    byte[] shared = TestFiles.bytes(6, 12_345);
    up.on("/dist/shared-6.tgz", Upstream.file(shared));
    entries.add(TestFiles.entry("shared-6.tgz", "cat/sharedone", shared, up.url("/dist/shared-6.tgz")));
    entries.add(TestFiles.entry("alias/shared-6.tgz", "cat/sharedtwo", shared, up.url("/dist/shared-6.tgz")));
    good.put("shared-6.tgz", shared);
    good.put("alias/shared-6.tgz", shared);

    // FTP and file:// sources.
    byte[] viaFtp = TestFiles.bytes(7, 70_000);
    Files.write(ftpRoot.resolve("ftp-7.tgz"), viaFtp);
    entries.add(TestFiles.entry("ftp-7.tgz", "cat/ftp", viaFtp, ftp.url("/ftp-7.tgz")));
    good.put("ftp-7.tgz", viaFtp);
    byte[] viaFile = TestFiles.bytes(8, 9_999);
    Files.write(localDist.resolve("local-8.tgz"), viaFile);
    entries.add(TestFiles.entry("local-8.tgz", "cat/local", viaFile, localDist.resolve("local-8.tgz").toUri().toString()));
    good.put("local-8.tgz", viaFile);

    // Distinct content per bad entry: equal content would (rightly) be planned as one download.
    http("missing-20.tgz", bad(20), Upstream.status(404));
    http("broken-21.tgz", bad(21), Upstream.status(500));
    http("wrong-22.tgz", bad(22), Upstream.file(TestFiles.bytes(122, 10_000)));
    http("stalled-23.tgz", bad(23), Upstream.trickle(bad(23), 4, 2000));
    http("endless-24.tgz", bad(24), Upstream.endless());
    up.on("/loop-b", Upstream.redirect("/dist/loop-25.tgz"));
    http("loop-25.tgz", bad(25), Upstream.redirect("/loop-b"));
    http("portal-26.tgz", bad(26), Upstream.htmlPage("text/html", 10_000));
    entries.add(TestFiles.entry("truncated-27.tgz", "cat/truncated", bad(27), raw.url("/truncated")));
    entries.add(TestFiles.entry("reset-28.tgz", "cat/reset", bad(28), raw.url("/reset")));
    entries.add(new ExpectedDistfile(DistfileName.of("nourl-29.tgz"), OptionalLong.of(1), Digests.empty(),
        Set.of("cat/nourl"), List.of()));
  }

  private static byte[] bad(int seed) {
    return TestFiles.bytes(seed, 10_000);
  }

  private Map<String, Outcome> byName(PrefetchReport r) {
    return r.outcomes().stream().collect(Collectors.toMap(o -> o.entry().name().value(), o -> o));
  }

  private Set<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void misbehavingUpstreamsGiveVerifiedFilesAndSpecificReasons() throws Exception {
    buildScenario();
    PrefetchReport report = prefetcher().run(entries);
    Map<String, Outcome> out = byName(report);

    // Every good file is in the DISTDIR, byte for byte; nothing else is (nothing unverified, no temp files).
    assertEquals(new TreeSet<>(good.keySet()), filesIn(distdir));
    for (Map.Entry<String, byte[]> g : good.entrySet()) {
      assertArrayEquals(g.getValue(), Files.readAllBytes(distdir.resolve(g.getKey())), g.getKey());
      assertEquals(Outcome.Status.OK, out.get(g.getKey()).status(), g.getKey());
      assertEquals(TestFiles.sha512(g.getValue()), out.get(g.getKey()).sha512().hex());
    }
    assertEquals(Set.of(), filesIn(work.resolve("spool")), "spool must be empty after the run");

    String dist = up.url("/dist/");
    assertEquals("HTTP 404 from " + dist + "missing-20.tgz", out.get("missing-20.tgz").reason());
    assertEquals("HTTP 500 from " + dist + "broken-21.tgz", out.get("broken-21.tgz").reason());
    assertTrue(out.get("wrong-22.tgz").reason().startsWith("SHA512 mismatch: expected " + TestFiles.sha512(bad(22))
        + ", got " + TestFiles.sha512(TestFiles.bytes(122, 10_000))), out.get("wrong-22.tgz").reason());
    assertTrue(out.get("stalled-23.tgz").reason().startsWith("no data from 127.0.0.1:"), out.get("stalled-23.tgz").reason());
    assertEquals("body longer than expected: more than 10000 bytes from " + dist + "endless-24.tgz",
        out.get("endless-24.tgz").reason());
    assertTrue(out.get("loop-25.tgz").reason().startsWith("redirect loop at " + dist + "loop-25.tgz"),
        out.get("loop-25.tgz").reason());
    assertEquals("upstream returned an HTML page (Content-Type text/html), not the distfile, from " + dist
        + "portal-26.tgz", out.get("portal-26.tgz").reason());
    assertEquals("truncated: got 5000 of 10000 bytes from " + raw.url("/truncated"), out.get("truncated-27.tgz").reason());
    assertEquals(2, out.get("truncated-27.tgz").attempts().size(), "transient trouble is retried once");
    assertEquals(2, out.get("reset-28.tgz").attempts().size());
    assertEquals("no URL to fetch from", out.get("nourl-29.tgz").reason());

    // The fallback's dead first URL is recorded; the content came from the second.
    Outcome fb = out.get("fallback-5.tgz");
    assertEquals(up.url("/mirror/fallback-5.tgz"), fb.url());
    assertEquals(1, fb.attempts().size());
    assertEquals("HTTP 404 from " + dist + "fallback-5.tgz", fb.attempts().get(0).error());

    // 429 + Retry-After: 1 was honoured.
    List<Long> busy = up.arrivals("/dist/busy-4.tgz");
    assertEquals(2, busy.size());
    assertTrue((busy.get(1) - busy.get(0)) / 1_000_000 >= 900, "retried after " + (busy.get(1) - busy.get(0)) / 1_000_000 + " ms");

    // One download for the shared content.
    assertEquals(1, up.requests("/dist/shared-6.tgz"));

    PrefetchReport.Summary s = report.summary();
    assertEquals(new PrefetchReport.Summary(entries.size(), good.size(), 0, entries.size() - good.size(), s.bytes()), s);
    assertEquals(RunResult.SOMETHING_FAILED, report.result());
    assertEquals(1, report.result().exitCode());

    StringWriter failures = new StringWriter();
    ReportWriter.writeFailureList(report, failures);
    List<String> lines = failures.toString().lines().toList();
    assertEquals(entries.size() - good.size(), lines.size());
    assertTrue(lines.contains("cat/missing20tgz\tmissing-20.tgz\tHTTP 404 from " + dist + "missing-20.tgz"), lines::toString);
    assertTrue(lines.contains("cat/nourl\tnourl-29.tgz\tno URL to fetch from"), lines::toString);

    ByteArrayOutputStream json = new ByteArrayOutputStream();
    ReportWriter.writeJson(report, json);
    JsonNode j = new ObjectMapper().readTree(json.toByteArray());
    assertEquals(good.size(), j.path("summary").path("ok").asInt());
    assertEquals("something_failed", j.path("summary").path("result").asText());
    JsonNode trunc = null;
    for (JsonNode o : j.path("outcomes")) {
      if (o.path("name").asText().equals("truncated-27.tgz")) {
        trunc = o;
      }
    }
    assertEquals("failed", trunc.path("status").asText());
    assertEquals("TRUNCATED", trunc.path("attempts").get(0).path("kind").asText());
    assertEquals("RETRY_HOST_LATER", trunc.path("attempts").get(0).path("retry").asText());

    // Rerun: everything good is already there and is not fetched again; failures are tried again.
    int before = up.requests("/dist/good-1.0.tar.gz");
    PrefetchReport again = prefetcher().run(entries);
    assertEquals(before, up.requests("/dist/good-1.0.tar.gz"));
    assertEquals(1, up.requests("/dist/shared-6.tgz"));
    assertEquals(good.size(), again.summary().present());
    assertEquals(0, again.summary().ok());
    assertEquals(entries.size() - good.size(), again.summary().failed());
  }

  @Test
  void everythingGoodMeansSuccess() throws Exception {
    goodHttp("a-1.tgz", TestFiles.bytes(1, 1000), Upstream.file(TestFiles.bytes(1, 1000)));
    goodHttp("b-1.tgz", TestFiles.bytes(2, 1000), Upstream.file(TestFiles.bytes(2, 1000)));
    PrefetchReport report = prefetcher().run(entries);
    assertEquals(RunResult.SUCCESS, report.result());
    assertEquals(0, report.result().exitCode());
    assertEquals(2, report.summary().ok());
  }

  @Test
  void aCorruptFileAlreadyInTheDistdirIsReplaced() throws Exception {
    byte[] content = TestFiles.bytes(1, 5000);
    goodHttp("c-1.tgz", content, Upstream.file(content));
    Files.write(distdir.resolve("c-1.tgz"), TestFiles.bytes(2, 5000)); // same size, other bytes
    PrefetchReport report = prefetcher().run(entries);
    assertEquals(1, report.summary().ok());
    assertArrayEquals(content, Files.readAllBytes(distdir.resolve("c-1.tgz")));
    assertFalse(report.outcomes().get(0).attempts().iterator().hasNext());
  }
}
