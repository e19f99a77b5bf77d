package org.distvault.prefetch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --jobs}: the range, N transfers at once and no more, results in the items' order. */
@Timeout(60)
class TransferOptionsTest {

  private static TransferOptions jobs(int n) {
    TransferOptions o = new TransferOptions();
    o.jobs = n;
    o.progressSeconds = 5;
    return o;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65, 1000})
  void jobsOutsideOneToSixtyFourIsBadUsageNamingTheValue(int n) {
    CliException e = assertThrows(CliException.class, () -> jobs(n).check());
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertEquals("--jobs must be from 1 to 64, got " + n, e.getMessage());
  }

  @Test
  void fourJobsRunFourAtOnceAndNoMore() throws Exception {
    // Each task waits at a barrier of 4: with fewer threads it would break on the timeout.
    CyclicBarrier four = new CyclicBarrier(4);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Integer> out = jobs(4).map(IntStream.range(0, 40).boxed().toList(), "test", i -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        four.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("fewer than 4 at once", e);
      } finally {
        running.decrementAndGet();
      }
      return i * 10;
    });
    assertEquals(IntStream.range(0, 40).map(i -> i * 10).boxed().toList(), out);
    assertEquals(4, most.get());
  }

  @Test
  void resultsComeInTheItemsOrderWhenTheLastFinishesFirst() throws Exception {
    CountDownLatch lastDone = new CountDownLatch(1);
    List<String> finished = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> out = jobs(2).map(List.of("first", "last"), "test", s -> {
      if (s.equals("first")) {
        try {
          assertTrue(lastDone.await(20, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      finished.add(s);
      if (s.equals("last")) {
        lastDone.countDown();
      }
      return s.toUpperCase(java.util.Locale.ROOT);
    });
    assertEquals(List.of("last", "first"), finished);
    assertEquals(List.of("FIRST", "LAST"), out);
  }

  @Test
  void progressCountsEveryFileFinishedOnManyThreads() throws Exception {
    StringWriter text = new StringWriter();
    TransferOptions o = jobs(8);
    TransferProgress p = o.progress(new PrintWriter(text), "export s", 1000, 1000L * 1024);
    o.map(IntStream.range(0, 1000).boxed().toList(), "test", i -> {
      p.file(1024);
      return i;
    });
    p.end();
    List<String> lines = text.toString().lines().toList();
    assertEquals("export s: 1000/1000 files, 1000.0 KiB/1000.0 KiB", lines.get(lines.size() - 1));
  }
}
