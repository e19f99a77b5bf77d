package org.distvault.prefetch.throttle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs {@link HostTask}s with a global concurrency limit and an adaptive limit per host.
 *
 * <p>Tasks wait in one queue per host. The dispatcher (the thread in {@link #runAll}) starts a
 * task only when a global slot <em>and</em> a slot of its host are free and the host's
 * Retry-After, backoff and minimum delay have passed; it visits hosts round-robin. Workers
 * therefore never sit on a global slot waiting for a busy host, and a slow host cannot starve a
 * fast one: with {@code jobs > perHost} the other hosts always have free slots.
 *
 * <p>{@link #submit} is thread-safe and may be called by running tasks (e.g. to queue the next
 * URL); {@link #runAll} returns once every queue is empty and no task is running.
 */
public final class HostScheduler {
  private final ThrottleSettings settings;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final ArrayDeque<Host> rotation = new ArrayDeque<>();
  private final List<RuntimeException> taskErrors = new ArrayList<>();
  private int running;
  private int queued;
  private boolean cancelled;

  public HostScheduler(ThrottleSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Queues a task for a host ({@link HostKey}). Ignored after {@link #cancel()}. */
  public void submit(String hostKey, HostTask task) {
    lock.lock();
    try {
      if (cancelled) {
        return;
      }
      Host h = hosts.computeIfAbsent(hostKey, k -> new Host(k, System.nanoTime()));
      if (h.queue.isEmpty()) {
        rotation.addLast(h);
      }
      h.queue.addLast(task);
      queued++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops starting tasks and drops the queued ones (running tasks finish). Returns the dropped
   * tasks so the caller can account for them.
   */
  public List<HostTask> cancel() {
    lock.lock();
    try {
      cancelled = true;
      List<HostTask> dropped = new ArrayList<>();
      for (Host h : hosts.values()) {
        dropped.addAll(h.queue);
        h.queue.clear();
      }
      rotation.clear();
      queued = 0;
      changed.signalAll();
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Dispatches until nothing is queued or running.
   *
   * @throws InterruptedException when this thread is interrupted: running tasks are interrupted
   *     and queued ones dropped before it is thrown
   * @throws IllegalStateException when a task threw an unchecked exception (a bug), after the rest ran
   */
  public void runAll() throws InterruptedException {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(settings.jobs(), r -> {
      Thread t = new Thread(r, "prefetch-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      dispatch(pool);
    } catch (InterruptedException e) {
      cancel();
      pool.shutdownNow();
      throw e;
    } finally {
      pool.shutdown();
      // Workers hold no slot once dispatch returned normally; after an interrupt, wait briefly.
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
    lock.lock();
    try {
      if (!taskErrors.isEmpty()) {
        throw new IllegalStateException("a prefetch task failed unexpectedly", taskErrors.get(0));
      }
    } finally {
      lock.unlock();
    }
  }

  /** The current adaptive limit of a host (for tests and progress), or 0 if unknown. */
  public int hostLimit(String hostKey) {
    lock.lock();
    try {
      Host h = hosts.get(hostKey);
      return h == null ? 0 : h.limit.limit();
    } finally {
      lock.unlock();
    }
  }

  private void dispatch(ExecutorService pool) throws InterruptedException {
    lock.lock();
    try {
      while (queued > 0 || running > 0) {
        long now = System.nanoTime();
        long wakeAt = now + TimeUnit.SECONDS.toNanos(1);
        boolean started = true;
        // Passes over the hosts, one task per eligible host per pass: round-robin fairness.
        while (started && running < settings.jobs() && !rotation.isEmpty()) {
          started = false;
          int hostsThisPass = rotation.size();
          for (int i = 0; i < hostsThisPass && running < settings.jobs(); i++) {
            Host h = rotation.pollFirst();
            long readyAt = startNext(h, now, pool);
            if (readyAt == 0) {
              started = true;
            } else if (readyAt > 0) {
              wakeAt = Math.min(wakeAt, readyAt);
            }
            if (!h.queue.isEmpty()) {
              rotation.addLast(h);
            }
          }
        }
        if (queued > 0 || running > 0) {
          long wait = wakeAt - System.nanoTime();
          if (wait > 0) {
            changed.awaitNanos(wait);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts the host's next task if it may start now. Returns 0 when one was started, the
   * nanoTime when it may start, or -1 when only a completion can let it start.
   */
  private long startNext(Host h, long now, ExecutorService pool) {
    if (h.givenUpUntil > now) {
      HostTask t = h.queue.pollFirst();
      queued--;
      running++;
      String reason = h.givenUpReason;
      pool.execute(() -> runGuarded(h, null, () -> t.hostUnavailable(reason)));
      return 0;
    }
    if (h.running >= h.limit.limit()) {
      return -1;
    }
    long readyAt = Math.max(h.notBefore, h.lastStart + settings.minDelay().toNanos());
    if (h.lastStart == Long.MIN_VALUE) {
      readyAt = h.notBefore;
    }
    if (readyAt > now) {
      return readyAt;
    }
    HostTask t = h.queue.pollFirst();
    queued--;
    running++;
    h.running++;
    h.lastStart = now;
    Ticket ticket = new Ticket(h);
    pool.execute(() -> runGuarded(h, ticket, () -> t.run(ticket)));
    return 0;
  }

  private interface Body {
    void run() throws InterruptedException;
  }

  private void runGuarded(Host h, Ticket ticket, Body body) {
    try {
      body.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      lock.lock();
      try {
        taskErrors.add(e);
      } finally {
        lock.unlock();
      }
    } finally {
      finished(h, ticket);
    }
  }

  private void finished(Host h, Ticket ticket) {
    lock.lock();
    try {
      running--;
      if (ticket != null) {
        h.running--;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies a task's report at once, not when the task ends: a task that queues its own retry
   * before returning must find the host's backoff already in force.
   */
  private void report(Host h, boolean trouble, Instant retryAfter) {
    lock.lock();
    try {
      long now = System.nanoTime();
      h.limit.bytes(h.pendingBytes.getAndSet(0));
      if (trouble) {
        h.limit.trouble(now);
        h.consecutiveTrouble++;
        h.notBefore = Math.max(h.notBefore, now + backoff(h.consecutiveTrouble, retryAfter, h));
      } else {
        h.limit.success(now);
        h.consecutiveTrouble = 0;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Nanoseconds to wait after trouble: the host's Retry-After if given, else exponential backoff. */
  private long backoff(int consecutive, Instant retryAfter, Host h) {
    if (retryAfter != null) {
      Duration wait = Duration.between(clock.instant(), retryAfter);
      if (wait.isNegative()) {
        return 0;
      }
      if (wait.compareTo(settings.maxWait()) > 0) {
        h.givenUpUntil = System.nanoTime() + saturatedNanos(wait);
        h.givenUpReason = h.key + " asked to be left alone until " + retryAfter
            + " (Retry-After), longer than the " + settings.maxWait().toSeconds() + "s this run waits";
        return 0;
      }
      return wait.toNanos();
    }
    long base = settings.backoffBase().toNanos();
    long max = settings.backoffMax().toNanos();
    int shift = Math.min(consecutive - 1, 30);
    return Math.min(max, base << shift);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  /** Per-host state; guarded by the scheduler's lock except {@link #pendingBytes}. */
  private final class Host {
    final String key;
    final ArrayDeque<HostTask> queue = new ArrayDeque<>();
    final AdaptiveLimit limit;
    final AtomicLong pendingBytes = new AtomicLong();
    int running;
    long notBefore = Long.MIN_VALUE;
    long lastStart = Long.MIN_VALUE;
    int consecutiveTrouble;
    long givenUpUntil = Long.MIN_VALUE;
    String givenUpReason;

    Host(String key, long now) {
      this.key = key;
      this.limit = new AdaptiveLimit(settings.initialPerHost(), settings.perHost(), now);
    }
  }

  /** The ticket of one running task; the first of succeeded/trouble counts. */
  private final class Ticket implements HostTicket {
    private final Host host;
    private final AtomicBoolean reported = new AtomicBoolean();

    Ticket(Host host) {
      this.host = host;
    }

    @Override
    public void bytes(long n) {
      host.pendingBytes.addAndGet(n);
    }

    @Override
    public void succeeded() {
      if (reported.compareAndSet(false, true)) {
        report(host, false, null);
      }
    }

    @Override
    public void trouble(Optional<Instant> retryAfter) {
      if (reported.compareAndSet(false, true)) {
        report(host, true, retryAfter.orElse(null));
      }
    }
  }
}
