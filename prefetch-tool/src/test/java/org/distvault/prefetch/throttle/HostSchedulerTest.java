package org.distvault.prefetch.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler's guarantees, observed with plain tasks (no network). */
@Timeout(60)
class HostSchedulerTest {
  private static final ThrottleSettings BASE = ThrottleSettings.defaults()
      .withBackoff(Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(2));

  /** A task that runs {@code body} and reports success. */
  private static HostTask task(Consumer<HostTicket> body) {
    return new HostTask() {
      @Override
      public void run(HostTicket ticket) {
        body.accept(ticket);
      }

      @Override
      public void hostUnavailable(String reason) {
        throw new AssertionError("unexpected: " + reason);
      }
    };
  }

  /** Counts concurrent runs and their maximum. */
  private static final class Gauge {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    void enter() {
      max.accumulateAndGet(now.incrementAndGet(), Math::max);
    }

    void leave() {
      now.decrementAndGet();
    }
  }

  private static void await(CountDownLatch l) {
    try {
      assertTrue(l.await(20, TimeUnit.SECONDS), "latch not released in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void perHostLimitIsReachedAndNeverExceeded() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(8, 2).withInitialPerHost(2), Clock.systemUTC());
    Gauge g = new Gauge();
    CountDownLatch both = new CountDownLatch(2);
    for (int i = 0; i < 12; i++) {
      s.submit("a:80", task(t -> {
        g.enter();
        both.countDown();
        await(both); // the first two wait for each other: proves two really run at once
        g.leave();
        t.succeeded();
      }));
    }
    s.runAll();
    assertEquals(2, g.max.get());
  }

  @Test
  void globalLimitBoundsAllHostsTogether() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(3, 2).withInitialPerHost(2), Clock.systemUTC());
    Gauge g = new Gauge();
    CountDownLatch three = new CountDownLatch(3);
    for (int h = 0; h < 4; h++) {
      for (int i = 0; i < 5; i++) {
        s.submit("h" + h + ":80", task(t -> {
          g.enter();
          three.countDown();
          await(three);
          g.leave();
          t.succeeded();
        }));
      }
    }
    s.runAll();
    assertEquals(3, g.max.get());
  }

  @Test
  void slowHostDoesNotStarveAFastOne() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(3, 2).withInitialPerHost(2), Clock.systemUTC());
    List<String> finished = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch fastDone = new CountDownLatch(10);
    AtomicBoolean slowReleasedByTimeout = new AtomicBoolean();
    for (int i = 0; i < 4; i++) {
      int n = i;
      s.submit("slow:80", task(t -> {
        try {
          // Stuck until every fast file is done: if the fast host were starved this would time out.
          if (!fastDone.await(20, TimeUnit.SECONDS)) {
            slowReleasedByTimeout.set(true);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        finished.add("slow" + n);
        t.succeeded();
      }));
    }
    for (int i = 0; i < 10; i++) {
      int n = i;
      s.submit("fast:80", task(t -> {
        finished.add("fast" + n);
        fastDone.countDown();
        t.succeeded();
      }));
    }
    s.runAll();
    assertEquals(false, slowReleasedByTimeout.get(), "fast host was starved while the slow one held slots");
    assertEquals(14, finished.size());
    for (int i = 0; i < 10; i++) {
      assertTrue(finished.get(i).startsWith("fast"), () -> "order: " + finished);
    }
  }

  @Test
  void retryAfterIsHonouredBeforeTheNextRequest() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(4, 2), Clock.systemUTC());
    List<Long> starts = new CopyOnWriteArrayList<>();
    s.submit("busy:80", task(t -> {
      starts.add(System.nanoTime());
      t.trouble(Optional.of(Instant.now().plusMillis(700)));
    }));
    s.submit("busy:80", task(t -> {
      starts.add(System.nanoTime());
      t.succeeded();
    }));
    s.runAll();
    assertEquals(2, starts.size());
    long gapMillis = (starts.get(1) - starts.get(0)) / 1_000_000;
    assertTrue(gapMillis >= 600, "second request came " + gapMillis + " ms after the first");
  }

  @Test
  void aRetryQueuedByTheFailingTaskItselfWaitsForRetryAfter() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(4, 2).withInitialPerHost(2), Clock.systemUTC());
    List<Long> starts = new CopyOnWriteArrayList<>();
    s.submit("busy:80", task(t -> {
      starts.add(System.nanoTime());
      t.trouble(Optional.of(Instant.now().plusMillis(700)));
      s.submit("busy:80", task(t2 -> {
        starts.add(System.nanoTime());
        t2.succeeded();
      }));
      try {
        Thread.sleep(200); // still running: the host has a free slot, but must stay closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    s.runAll();
    long gapMillis = (starts.get(1) - starts.get(0)) / 1_000_000;
    assertTrue(gapMillis >= 600, "retry started " + gapMillis + " ms after the 429");
  }

  @Test
  void troubleWithoutRetryAfterBacksOffAndHalvesTheLimit() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(4, 2).withInitialPerHost(2), Clock.systemUTC());
    List<Long> starts = new CopyOnWriteArrayList<>();
    AtomicInteger limitAfterTrouble = new AtomicInteger();
    s.submit("flaky:80", task(t -> {
      starts.add(System.nanoTime());
      t.trouble(Optional.empty());
    }));
    s.runAll();
    s.submit("flaky:80", task(t -> {
      starts.add(System.nanoTime());
      limitAfterTrouble.set(s.hostLimit("flaky:80"));
      t.succeeded();
    }));
    s.runAll();
    assertEquals(1, limitAfterTrouble.get());
    long gapMillis = (starts.get(1) - starts.get(0)) / 1_000_000;
    assertTrue(gapMillis >= 250, "retried " + gapMillis + " ms after trouble; backoff base is 300 ms");
  }

  @Test
  void retryAfterBeyondTheWaitCapGivesTheHostUp() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(4, 2), Clock.systemUTC());
    List<String> reasons = new CopyOnWriteArrayList<>();
    AtomicInteger runs = new AtomicInteger();
    HostTask later = new HostTask() {
      @Override
      public void run(HostTicket ticket) {
        runs.incrementAndGet();
      }

      @Override
      public void hostUnavailable(String reason) {
        reasons.add(reason);
      }
    };
    s.submit("angry:80", task(t -> {
      runs.incrementAndGet();
      t.trouble(Optional.of(Instant.now().plus(Duration.ofHours(1))));
    }));
    s.runAll();
    s.submit("angry:80", later);
    s.submit("angry:80", later);
    s.runAll();
    assertEquals(1, runs.get());
    assertEquals(2, reasons.size());
    assertTrue(reasons.get(0).startsWith("angry:80 asked to be left alone until "), reasons.get(0));
    assertTrue(reasons.get(0).endsWith("(Retry-After), longer than the 2s this run waits"), reasons.get(0));
  }

  @Test
  void minimumDelaySpacesRequestStarts() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(4, 2).withInitialPerHost(2).withMinDelay(Duration.ofMillis(200)),
        Clock.systemUTC());
    List<Long> starts = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      s.submit("polite:80", task(t -> {
        starts.add(System.nanoTime());
        t.succeeded();
      }));
    }
    s.runAll();
    for (int i = 1; i < 3; i++) {
      long gap = (starts.get(i) - starts.get(i - 1)) / 1_000_000;
      assertTrue(gap >= 190, "starts " + gap + " ms apart");
    }
  }

  @Test
  void tasksMayQueueFollowUpsAndRunAllWaitsForThem() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE, Clock.systemUTC());
    AtomicInteger done = new AtomicInteger();
    s.submit("a:80", task(t -> {
      for (int i = 0; i < 5; i++) {
        s.submit("b:80", task(t2 -> done.incrementAndGet()));
      }
      done.incrementAndGet();
    }));
    s.runAll();
    assertEquals(6, done.get());
  }

  @Test
  void aTaskBugSurfacesAfterTheOthersRan() {
    HostScheduler s = new HostScheduler(BASE, Clock.systemUTC());
    AtomicInteger done = new AtomicInteger();
    s.submit("a:80", task(t -> {
      throw new IllegalArgumentException("bug");
    }));
    for (int i = 0; i < 3; i++) {
      s.submit("a:80", task(t -> done.incrementAndGet()));
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, s::runAll);
    assertEquals("bug", e.getCause().getMessage());
    assertEquals(3, done.get());
  }

  @Test
  void cancelDropsQueuedTasks() throws InterruptedException {
    HostScheduler s = new HostScheduler(BASE.withJobs(1, 1), Clock.systemUTC());
    AtomicInteger ran = new AtomicInteger();
    List<HostTask> dropped = new CopyOnWriteArrayList<>();
    s.submit("a:80", task(t -> {
      ran.incrementAndGet();
      dropped.addAll(s.cancel());
    }));
    for (int i = 0; i < 4; i++) {
      s.submit("a:80", task(t -> ran.incrementAndGet()));
    }
    s.runAll();
    assertEquals(1, ran.get());
    assertEquals(4, dropped.size());
  }
}
