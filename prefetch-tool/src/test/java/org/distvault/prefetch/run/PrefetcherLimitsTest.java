package org.distvault.prefetch.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.prefetch.deliver.DirectorySink;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The limits seen from the upstream's side, through a whole prefetch run. */
@Timeout(120)
class PrefetcherLimitsTest {
  @TempDir Path work;
  @TempDir Path distdir;

  private Prefetcher prefetcher(int jobs, int perHost, Progress progress) throws IOException {
    ThrottleSettings t = ThrottleSettings.defaults().withJobs(jobs, perHost).withInitialPerHost(perHost);
    FetchSettings f = FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));
    return new Prefetcher(PrefetchConfig.defaults(work).withThrottle(t), SchemeFetcher.standard(f, Clock.systemUTC()),
        new DirectorySink(distdir), progress, Clock.systemUTC());
  }

  /**
   * Serves {@code body} slowly, but the first requests wait (at most 10 s) until {@code all} have
   * arrived. {@code inFlight} counts the requests being answered and {@code max} the most at once:
   * a request stops counting just before its last byte goes out, so the client cannot start its
   * next request on the freed slot while the upstream still counts the old one.
   */
  private static Upstream.Behaviour rendezvous(
      byte[] body, CountDownLatch all, AtomicInteger inFlight, AtomicInteger max) {
    return (ex, n) -> {
      max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      boolean counted = true;
      try {
        all.countDown();
        all.await(10, TimeUnit.SECONDS);
        ex.sendResponseHeaders(200, body.length);
        int quarter = (body.length - 1) / 4;
        for (int i = 0; i < 4; i++) {
          ex.getResponseBody().write(body, i * quarter, quarter);
          ex.getResponseBody().flush();
          Thread.sleep(20);
        }
        int sent = 4 * quarter;
        ex.getResponseBody().write(body, sent, body.length - 1 - sent);
        ex.getResponseBody().flush();
        inFlight.decrementAndGet();
        counted = false;
        ex.getResponseBody().write(body, body.length - 1, 1);
      } finally {
        if (counted) {
          inFlight.decrementAndGet();
        }
      }
    };
  }

  @Test
  void perHostLimitIsReachedButNeverExceededAtTheUpstream() throws Exception {
    try (Upstream up = new Upstream()) {
      CountDownLatch two = new CountDownLatch(2);
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      List<ExpectedDistfile> entries = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        byte[] c = TestFiles.bytes(i, 20_000);
        up.on("/f" + i, rendezvous(c, two, inFlight, max));
        entries.add(TestFiles.entry("f" + i + ".tgz", "cat/p" + i, c, up.url("/f" + i)));
      }
      PrefetchReport r = prefetcher(8, 2, Progress.none()).run(entries);
      assertEquals(12, r.summary().ok());
      assertEquals(2, max.get(), "per-host limit 2 with 8 global slots");
    }
  }

  @Test
  void aSlowHostDoesNotStarveAFastOne() throws Exception {
    try (Upstream slow = new Upstream(); Upstream fast = new Upstream()) {
      CountDownLatch fastDone = new CountDownLatch(10);
      AtomicBoolean slowTimedOut = new AtomicBoolean();
      AtomicInteger slowInFlight = new AtomicInteger();
      AtomicInteger slowMax = new AtomicInteger();
      List<ExpectedDistfile> entries = new ArrayList<>();
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 3; i++) {
        byte[] c = TestFiles.bytes(100 + i, 40_000);
        slow.on("/s" + i, (ex, n) -> {
          slowMax.accumulateAndGet(slowInFlight.incrementAndGet(), Math::max);
          ex.sendResponseHeaders(200, c.length);
          ex.getResponseBody().write(c, 0, c.length / 2);
          ex.getResponseBody().flush();
          // Stuck mid-body until every fast file is done; starving the fast host would time out here.
          if (!fastDone.await(20, TimeUnit.SECONDS)) {
            slowTimedOut.set(true);
          }
          ex.getResponseBody().write(c, c.length / 2, c.length - c.length / 2 - 1);
          ex.getResponseBody().flush();
          // Stop counting before the last byte, so the client's next request cannot overlap this one.
          slowInFlight.decrementAndGet();
          ex.getResponseBody().write(c, c.length - 1, 1);
        });
        entries.add(TestFiles.entry("s" + i + ".tgz", "slow/p" + i, c, slow.url("/s" + i)));
      }
      for (int i = 0; i < 10; i++) {
        byte[] c = TestFiles.bytes(200 + i, 10_000);
        fast.on("/f" + i, Upstream.file(c));
        entries.add(TestFiles.entry("f" + i + ".tgz", "fast/p" + i, c, fast.url("/f" + i)));
      }
      Progress recordOrder = new Progress() {
        @Override
        public void start(int files, long bytes) {}

        @Override
        public void bytes(long n) {}

        @Override
        public void finished(Outcome o) {
          order.add(o.entry().name().value());
          if (o.entry().name().value().startsWith("f")) {
            fastDone.countDown();
          }
        }

        @Override
        public void end() {}
      };
      PrefetchReport r = prefetcher(3, 2, recordOrder).run(entries);
      assertFalse(slowTimedOut.get(), "the fast host was starved while the slow one trickled");
      assertEquals(13, r.summary().ok());
      assertEquals(13, order.size());
      for (int i = 0; i < 10; i++) {
        assertTrue(order.get(i).startsWith("f"), () -> "completion order " + order);
      }
      assertTrue(slowMax.get() <= 2, "slow host saw " + slowMax.get());
    }
  }
}
