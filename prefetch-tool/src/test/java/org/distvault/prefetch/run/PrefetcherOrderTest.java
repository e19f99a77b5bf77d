package org.distvault.prefetch.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.distvault.prefetch.deliver.DirectorySink;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The order in which a run starts its downloads, seen from the upstream's side. */
@Timeout(60)
class PrefetcherOrderTest {
  @TempDir Path work;
  @TempDir Path distdir;

  @Test
  void downloadsStartLargestFirstAndEveryFileArrives() throws Exception {
    int[] sizes = {1_000, 50_000, 5_000, 20_000, 300};
    try (Upstream up = new Upstream()) {
      List<ExpectedDistfile> entries = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        byte[] c = TestFiles.bytes(i, sizes[i]);
        up.on("/f" + i, Upstream.file(c));
        entries.add(TestFiles.entry("f" + i + ".tgz", "cat/p" + i, c, up.url("/f" + i)));
      }
      // One slot: the upstream sees the start order exactly.
      ThrottleSettings t = ThrottleSettings.defaults().withJobs(1, 1);
      FetchSettings f = FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));
      PrefetchReport r = new Prefetcher(PrefetchConfig.defaults(work).withThrottle(t),
          SchemeFetcher.standard(f, Clock.systemUTC()), new DirectorySink(distdir), Progress.none(),
          Clock.systemUTC()).run(entries);

      assertEquals(sizes.length, r.summary().ok());
      List<String> arrival = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        arrival.add("/f" + i);
      }
      arrival.sort(Comparator.comparingLong(p -> up.arrivals(p).get(0)));
      assertEquals(List.of("/f1", "/f3", "/f2", "/f0", "/f4"), arrival);
      for (int i = 0; i < sizes.length; i++) {
        assertEquals(1, up.requests("/f" + i));
        assertEquals(sizes[i], Files.size(distdir.resolve("f" + i + ".tgz")));
        assertEquals("f" + i + ".tgz", r.outcomes().get(i).entry().name().value(), "the report keeps the input order");
      }
    }
  }
}
