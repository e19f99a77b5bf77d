package org.distvault.prefetch.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliveries to the sink, on threads of their own, so that a download slot is free again as
 * soon as its part is done and never waits for the server (which hashes and fsyncs every blob,
 * taking as long as the download of a small file): for a spooled download, the upload of the
 * verified spool file; for a streamed one, whose body was already sent while downloading, the wait
 * for the server's verdict (see {@code JobRun}).
 *
 * <p>The first deliveries of a run are made in the download slot until the sink has {@linkplain
 * #accepted() accepted} one, so that a destination refusing every upload stops the run at once.
 *
 * <p>At most {@code threads} deliveries run at once and at most {@code backlog} are accepted but
 * not finished: {@link #submit} blocks beyond that, which holds the downloader back and bounds
 * the verified files waiting in the spool and the streamed uploads waiting for their answer.
 * Thread-safe.
 */
final class Deliveries implements AutoCloseable {
  private final ExecutorService pool;
  private final Semaphore room;
  private final int backlog;
  private final List<RuntimeException> errors = new ArrayList<>();
  private volatile boolean accepted;

  /**
   * @param threads deliveries running at once
   * @param backlog deliveries accepted and not finished (running or waiting), at least {@code threads}
   */
  Deliveries(int threads, int backlog) {
    if (threads < 1 || backlog < threads) {
      throw new IllegalArgumentException("need 1 <= threads (" + threads + ") <= backlog (" + backlog + ")");
    }
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "prefetch-delivery-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.room = new Semaphore(backlog);
    this.backlog = backlog;
  }

  /** Whether the sink has accepted a delivery in this run (until then, callers deliver inline). */
  boolean accepted() {
    return accepted;
  }

  /** Notes that the sink accepted a delivery: it takes uploads, later ones may go to the background. */
  void markAccepted() {
    accepted = true;
  }

  /** Queues a delivery; blocks while {@code backlog} deliveries are unfinished. */
  void submit(Runnable delivery) throws InterruptedException {
    room.acquire();
    try {
      pool.execute(() -> {
        try {
          delivery.run();
        } catch (RuntimeException e) {
          synchronized (errors) {
            errors.add(e);
          }
        } finally {
          room.release();
        }
      });
    } catch (RuntimeException e) {
      room.release(); // rejected: the pool is shut down
      throw e;
    }
  }

  /**
   * Waits until every submitted delivery has finished.
   *
   * @throws IllegalStateException when a delivery threw an unchecked exception (a bug)
   */
  void awaitAll() throws InterruptedException {
    room.acquire(backlog);
    room.release(backlog);
    synchronized (errors) {
      if (!errors.isEmpty()) {
        throw new IllegalStateException("a delivery failed unexpectedly", errors.get(0));
      }
    }
  }

  /** Interrupts running deliveries, drops queued ones and waits briefly for the threads. */
  @Override
  public void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(30, TimeUnit.SECONDS);
  }
}
