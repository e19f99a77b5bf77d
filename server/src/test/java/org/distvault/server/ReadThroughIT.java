package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.mode.Mode;
import org.distvault.storage.record.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online read-through through the whole server ({@code serve --upstream}): a catalogued miss is
 * fetched once, verified, stored and served; wrong upstream bytes are never served; and a sealed
 * server opens no connection even with {@code --upstream} given.
 */
class ReadThroughIT {
  @TempDir Path data;

  @Test
  void onlineMissOfACataloguedFileIsFetchedOnceVerifiedStoredAndServed() throws Exception {
    byte[] content = Catalogue.content(31, 200_000);
    try (Upstream upstream = new Upstream().on("/dl/rt-1.0.tar.gz", Upstream.file(content));
        TestServer s = start(Mode.ONLINE)) {
      s.catalogue().expect("rt-1.0.tar.gz", "devel/rt", content, upstream.url("/dl/rt-1.0.tar.gz"));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          answers.add(pool.submit(() -> s.http().get("/pkg/devel/rt/rt-1.0.tar.gz")));
        }
        for (Future<Response> f : answers) {
          Response r = f.get(60, TimeUnit.SECONDS);
          assertEquals(200, r.statusCode(), r.asString());
          assertArrayEquals(content, r.asByteArray());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, upstream.requests("/dl/rt-1.0.tar.gz"), "one shared download");
      Variant v = s.catalogue().variantFor("rt-1.0.tar.gz", "devel/rt");
      assertTrue(v.blob().isPresent(), "bound after the fetch");
      // Served from the store from now on.
      assertArrayEquals(content, s.http().get("/distfiles/rt-1.0.tar.gz").asByteArray());
      assertEquals(1, upstream.requests("/dl/rt-1.0.tar.gz"));
      String metrics = s.http().get("/metrics").asString();
      assertTrue(metrics.contains("distvault_upstream_fetch_total{result=\"ok\"} 1.0"), metrics);
    }
  }

  /**
   * A read-through download still running when the server goes offline binds nothing when it
   * ends: the seal does not hold the file, so it is not served afterwards either.
   */
  @Test
  void aDownloadThatEndsAfterTheSealBindsNothing() throws Exception {
    byte[] content = Catalogue.content(33, 50_000);
    CountDownLatch release = new CountDownLatch(1);
    Upstream.Behaviour slow = (ex, n) -> {
      release.await(60, TimeUnit.SECONDS);
      Upstream.file(content).serve(ex, n);
    };
    try (Upstream upstream = new Upstream().on("/dl/late-1.0.tar.gz", slow);
        TestServer s = start(Mode.ONLINE)) {
      s.catalogue().expect("late-1.0.tar.gz", "devel/late", content, upstream.url("/dl/late-1.0.tar.gz"));
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Response> answer = pool.submit(() -> s.http().get("/pkg/devel/late/late-1.0.tar.gz"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (upstream.inProgress() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertEquals(1, upstream.inProgress(), "the download is under way");
        Response sealed = s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode");
        assertEquals(200, sealed.statusCode(), sealed.asString());
        assertTrue(sealed.asString().contains("\"entries\":0"), sealed.asString());
        release.countDown();

        Response r = answer.get(60, TimeUnit.SECONDS);
        assertEquals(404, r.statusCode(), "a file fetched after the seal was served");
        assertTrue(s.catalogue().variantFor("late-1.0.tar.gz", "devel/late").blob().isEmpty(), "nothing bound");
        Response after = s.http().get("/pkg/devel/late/late-1.0.tar.gz");
        assertEquals(404, after.statusCode());
        assertTrue(after.asString().startsWith("not-prefetched:"), after.asString());
        assertEquals(1, upstream.requests("/dl/late-1.0.tar.gz"));
      } finally {
        release.countDown();
        pool.shutdownNow();
      }
    }
  }

  @Test
  void wrongUpstreamBytesAreNeverServedAndTheReasonIsRecorded() throws Exception {
    byte[] content = Catalogue.content(32, 50_000);
    byte[] wrong = Catalogue.content(33, 50_000);
    try (Upstream upstream = new Upstream().on("/bad/w-1.0.tar.gz", Upstream.file(wrong));
        TestServer s = start(Mode.ONLINE)) {
      String url = upstream.url("/bad/w-1.0.tar.gz");
      s.catalogue().expect("w-1.0.tar.gz", "devel/w", content, url);
      Response r = s.http().get("/pkg/devel/w/w-1.0.tar.gz");
      assertEquals(404, r.statusCode());
      assertTrue(r.asString().contains("mismatch"), r.asString());
      assertEquals(0, s.server.vault().stats().blobs(), "nothing stored");
      Variant v = s.catalogue().variantFor("w-1.0.tar.gz", "devel/w");
      String reason = v.lastOutcome().orElseThrow().reason();
      assertTrue(reason.contains(url) && reason.contains("mismatch"), reason);
    }
  }

  @Test
  void sealedServerWithUpstreamGivenOpensNoConnection() throws Exception {
    byte[] content = Catalogue.content(34, 10_000);
    try (RawUpstream upstream = new RawUpstream();
        TestServer s = start(Mode.OFFLINE)) {
      s.catalogue().expect("sealed-1.0.tar.gz", "devel/sealed", content, upstream.url("/sealed-1.0.tar.gz"));
      Response r = s.http().get("/pkg/devel/sealed/sealed-1.0.tar.gz");
      assertEquals(404, r.statusCode());
      assertTrue(r.asString().startsWith("not-prefetched:"), r.asString());
      assertEquals(0, upstream.accepted(), "no outbound connection while offline");
    }
  }

  private TestServer start(Mode mode) throws IOException {
    return TestServer.of(DistvaultServer.start(
        ServerConfig.defaults(data).withPort(0).withMode(mode).withUpstream(true)));
  }
}
