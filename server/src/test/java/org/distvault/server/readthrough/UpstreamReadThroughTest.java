package org.distvault.server.readthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantState;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Read-through with the prefetch tool's real fetcher, a loopback upstream and a real Vault. */
@Timeout(60)
class UpstreamReadThroughTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  @TempDir Path data;
  private Vault vault;
  private Upstream up;
  private UpstreamReadThrough readThrough;
  private final List<String> results = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    vault = Vault.open(data);
    up = new Upstream();
  }

  @AfterEach
  void stop() throws Exception {
    if (readThrough != null) {
      readThrough.close();
    }
    up.close();
    vault.close();
  }

  private UpstreamReadThrough readThrough(ReadThroughSettings settings) {
    readThrough = new UpstreamReadThrough(vault,
        SchemeFetcher.standard(FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)),
            Clock.systemUTC()),
        settings, Clock.fixed(NOW, ZoneOffset.UTC), results::add);
    return readThrough;
  }

  /** Catalogues {@code e} and returns its (only) variant. */
  private Variant catalogue(ExpectedDistfile e) {
    vault.expect(e);
    return variant(e.name().value());
  }

  private Variant variant(String name) {
    DistfileRecord rec = vault.distfile(DistfileName.of(name)).orElseThrow();
    return rec.variants().get(0);
  }

  /** Serves {@code content} once {@code release} opens. */
  private static Upstream.Behaviour heldFile(byte[] content, CountDownLatch release) {
    return (ex, n) -> {
      release.await(30, TimeUnit.SECONDS);
      Upstream.file(content).serve(ex, n);
    };
  }

  @Test
  void eightConcurrentRequestsShareOneDownload() throws Exception {
    byte[] c = TestContent.bytes(1, 2_000_000);
    CountDownLatch release = new CountDownLatch(1);
    up.on("/one.tgz", heldFile(c, release));
    Variant v = catalogue(TestContent.entry("one.tgz", "cat/one", c, up.url("/one.tgz")));
    readThrough(ReadThroughSettings.defaults());

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Thread> callers = new CopyOnWriteArrayList<>();
    List<Future<ReadThroughResult>> futures = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      futures.add(pool.submit(() -> {
        callers.add(Thread.currentThread());
        return readThrough.fetch(DistfileName.of("one.tgz"), v);
      }));
    }
    // Release the upstream only when all 8 callers are waiting for the shared result.
    for (int i = 0; i < 600 && !allWaiting(callers, 8); i++) {
      Thread.sleep(50);
    }
    assertTrue(allWaiting(callers, 8), "the callers never all waited");
    release.countDown();

    for (Future<ReadThroughResult> f : futures) {
      ReadThroughResult r = f.get(30, TimeUnit.SECONDS);
      assertTrue(r.isFetched(), r::toString);
      assertArrayEquals(c, Files.readAllBytes(r.blob().orElseThrow().path()));
    }
    pool.shutdown();
    assertEquals(1, up.requests("/one.tgz"));
    assertEquals(List.of("ok"), results);
    Variant after = variant("one.tgz");
    assertEquals(VariantState.PRESENT, after.state());
    assertEquals(PrefetchOutcome.ok(NOW, up.url("/one.tgz")), after.lastOutcome().orElseThrow());
    assertEquals(List.of(), TestContent.tmpFiles(data));
  }

  private static boolean allWaiting(List<Thread> threads, int n) {
    return threads.size() == n && threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING);
  }

  @Test
  void wrongBytesAreNotStoredAndTheNextUrlIsTried() throws Exception {
    byte[] c = TestContent.bytes(2, 300_000);
    up.on("/bad/f.tgz", Upstream.file(TestContent.bytes(3, 300_000)));
    up.on("/good/f.tgz", Upstream.file(c));
    Variant v = catalogue(TestContent.entry("f.tgz", "cat/f", c, up.url("/bad/f.tgz"), up.url("/good/f.tgz")));

    ReadThroughResult r = readThrough(ReadThroughSettings.defaults()).fetch(DistfileName.of("f.tgz"), v);

    assertTrue(r.isFetched(), r::toString);
    assertEquals(1, up.requests("/bad/f.tgz"));
    assertEquals(1, up.requests("/good/f.tgz"));
    assertEquals(1, TestContent.blobFiles(data).size());
    assertEquals(Optional.of(r.blob().orElseThrow().sha512()), variant("f.tgz").blob());
    assertEquals(PrefetchOutcome.ok(NOW, up.url("/good/f.tgz")), variant("f.tgz").lastOutcome().orElseThrow());
  }

  @Test
  void onlyWrongBytesStoreNothingAndRecordTheMismatch() throws Exception {
    byte[] c = TestContent.bytes(4, 5000);
    byte[] wrong = TestContent.bytes(5, 5000);
    up.on("/liar.tgz", Upstream.file(wrong));
    Variant v = catalogue(TestContent.entry("liar.tgz", "cat/liar", c, up.url("/liar.tgz"), "file:///etc/passwd"));

    ReadThroughResult r = readThrough(ReadThroughSettings.defaults()).fetch(DistfileName.of("liar.tgz"), v);

    String reason = "SHA512 mismatch: expected " + TestContent.sha512(c) + ", got " + TestContent.sha512(wrong)
        + " from " + up.url("/liar.tgz") + "; read-through does not fetch file URLs: file:///etc/passwd";
    assertEquals(ReadThroughResult.failed(reason), r);
    assertEquals(List.of(), TestContent.blobFiles(data));
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(0, vault.stats().blobs());
    Variant after = variant("liar.tgz");
    assertEquals(VariantState.FAILED, after.state());
    assertEquals(PrefetchOutcome.failed(reason, NOW, up.url("/liar.tgz")), after.lastOutcome().orElseThrow());
    assertEquals(List.of("failed"), results);
  }

  @Test
  void upstreamErrorsAreRecordedWithEveryUrlsReason() throws Exception {
    byte[] c = TestContent.bytes(6, 100);
    Variant v = catalogue(TestContent.entry("g.tgz", "cat/g", c, up.url("/a/g.tgz"), up.url("/b/g.tgz")));
    ReadThroughResult r = readThrough(ReadThroughSettings.defaults()).fetch(DistfileName.of("g.tgz"), v);
    String reason = "HTTP 404 from " + up.url("/a/g.tgz") + "; HTTP 404 from " + up.url("/b/g.tgz");
    assertEquals(ReadThroughResult.failed(reason), r);
    assertEquals(reason, variant("g.tgz").lastOutcome().orElseThrow().reason());
  }

  @Test
  void contentAlreadyHeldIsBoundWithoutAnyDownload() throws Exception {
    byte[] c = TestContent.bytes(7, 10_000);
    vault.ingest(new ByteArrayInputStream(c), Expectation.of(c.length, TestContent.distinfoDigests(c)));
    Variant v = catalogue(TestContent.entry("h.tgz", "cat/h", c, up.url("/h.tgz")));

    ReadThroughResult r = readThrough(ReadThroughSettings.defaults()).fetch(DistfileName.of("h.tgz"), v);

    assertTrue(r.isFetched());
    assertEquals(0, up.totalRequests());
    assertEquals(VariantState.PRESENT, variant("h.tgz").state());
  }

  @Test
  void variantsThatCannotBeVerifiedOrHaveNoUrlAreNotFetched() throws Exception {
    up.on("/s.tgz", Upstream.file(new byte[10]));
    Variant sizeOnly = catalogue(new ExpectedDistfile(DistfileName.of("s.tgz"), java.util.OptionalLong.of(10),
        Digests.empty(), java.util.Set.of(), List.of(up.url("/s.tgz"))));
    Variant noUrl = catalogue(TestContent.entry("n.tgz", "cat/n", new byte[3]));
    readThrough(ReadThroughSettings.defaults());

    assertEquals(ReadThroughResult.failed(
        "its manifest entry lists no digest, so content fetched from upstream could not be verified"),
        readThrough.fetch(DistfileName.of("s.tgz"), sizeOnly));
    assertEquals(ReadThroughResult.failed("no upstream URL is known for it"),
        readThrough.fetch(DistfileName.of("n.tgz"), noUrl));
    assertEquals(0, up.totalRequests());
    assertEquals(List.of(), results);
  }

  @Test
  void atMostMaxConcurrentDownloadsRunAtOnce() throws Exception {
    int files = 5;
    Semaphore answers = new Semaphore(0);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<Variant> variants = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      byte[] c = TestContent.bytes(100 + i, 1000);
      up.on("/c" + i + ".tgz", (ex, n) -> {
        max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        answers.acquire();
        ex.sendResponseHeaders(200, c.length);
        ex.getResponseBody().write(c, 0, c.length - 1);
        ex.getResponseBody().flush();
        // Stop counting before the last byte, so the next download cannot overlap this one.
        inFlight.decrementAndGet();
        ex.getResponseBody().write(c, c.length - 1, 1);
      });
      variants.add(catalogue(TestContent.entry("c" + i + ".tgz", "cat/c" + i, c, up.url("/c" + i + ".tgz"))));
    }
    readThrough(ReadThroughSettings.defaults().withMaxConcurrent(2));
    ExecutorService pool = Executors.newFixedThreadPool(files);
    List<Future<ReadThroughResult>> futures = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      int n = i;
      futures.add(pool.submit(() -> readThrough.fetch(DistfileName.of("c" + n + ".tgz"), variants.get(n))));
    }
    // Answer one request each time the upstream holds as many as may run at once (2, then 1 at the end).
    for (int answered = 0; answered < files; answered++) {
      int expect = Math.min(2, files - answered);
      for (int i = 0; i < 500 && inFlight.get() < expect; i++) {
        Thread.sleep(20);
      }
      assertEquals(expect, inFlight.get(), "downloads in progress upstream");
      answers.release();
      for (int i = 0; i < 500 && inFlight.get() == expect && answered + 1 < files; i++) {
        Thread.sleep(5); // until the answered one is done and the next one arrives
      }
    }
    for (Future<ReadThroughResult> f : futures) {
      assertTrue(f.get(30, TimeUnit.SECONDS).isFetched());
    }
    pool.shutdown();
    assertEquals(2, max.get());
    assertEquals(files, up.totalRequests());
  }

  @Test
  void aRequestStopsWaitingButTheDownloadGoesOnAndIsStored() throws Exception {
    byte[] c = TestContent.bytes(8, 50_000);
    CountDownLatch release = new CountDownLatch(1);
    up.on("/slow.tgz", heldFile(c, release));
    Variant v = catalogue(TestContent.entry("slow.tgz", "cat/slow", c, up.url("/slow.tgz")));
    readThrough(ReadThroughSettings.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMinutes(1)));

    ReadThroughResult r = readThrough.fetch(DistfileName.of("slow.tgz"), v);
    assertEquals(ReadThroughResult.failed("still downloading from upstream after PT0.3S; try again later"), r);
    release.countDown();
    for (int i = 0; i < 600 && variant("slow.tgz").state() != VariantState.PRESENT; i++) {
      Thread.sleep(20);
    }
    assertEquals(VariantState.PRESENT, variant("slow.tgz").state());
    assertEquals(1, up.requests("/slow.tgz"));
  }

  @Test
  void aDownloadOverItsTimeLimitIsStoppedAndLeavesNothing() throws Exception {
    byte[] c = TestContent.bytes(9, 4_000_000);
    // Sends the first half, then stalls longer than the fetch may take (but less than the idle timeout).
    up.on("/stall.tgz", (ex, n) -> {
      ex.sendResponseHeaders(200, c.length);
      OutputStream out = ex.getResponseBody();
      out.write(c, 0, c.length / 2);
      out.flush();
      Thread.sleep(2000);
    });
    Variant v = catalogue(TestContent.entry("stall.tgz", "cat/stall", c, up.url("/stall.tgz")));
    readThrough(ReadThroughSettings.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(500)));

    ReadThroughResult r = readThrough.fetch(DistfileName.of("stall.tgz"), v);

    assertEquals(Optional.of("stopped after PT0.5S while fetching " + up.url("/stall.tgz")), r.failure());
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of(), TestContent.blobFiles(data));
    assertEquals(VariantState.FAILED, variant("stall.tgz").state());
  }
}
