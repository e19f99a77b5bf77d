package org.distvault.server.admin.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.distvault.prefetch.fetch.Fetcher;
import org.distvault.prefetch.run.PrefetchConfig;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Prefetcher;
import org.distvault.prefetch.run.Progress;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.server.admin.ApiException;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefetches the server runs itself ({@link ServerPrefetchHandler}): the prefetch tool's own
 * engine ({@link Prefetcher}: dedupe by content, global and per-host limits, backoff, next URL on
 * failure) downloading into a {@link VaultSink}, at most one run at a time, with its spool (FTP
 * downloads, and retries after a body broke off) and run lock in {@code DATA/prefetch/}.
 *
 * <p><b>Warning:</b> this opens outbound connections. Construct it only for a server that may
 * (started with {@code --upstream}); the route refuses while the mode or the set refuses uploads.
 *
 * <p>Closed before the vault: a running prefetch is cancelled (its next delivery is refused, which
 * stops it the way a server going offline stops a tool's run) and waited for; after {@link
 * #STOP_WAIT} its thread is interrupted. Thread-safe.
 */
public final class ServerPrefetches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerPrefetches.class);

  /** How long {@link #close()} waits for a cancelled run before it interrupts it. */
  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final Fetcher fetcher;
  private final Path workDir;
  private final Clock clock;
  private final Semaphore permit = new Semaphore(1);
  private volatile Slot running;
  private volatile boolean closed;

  /**
   * @param fetcher the prefetch tool's downloader, e.g. {@code SchemeFetcher.standard(...)}
   * @param workDir the runs' spool and lock, e.g. {@code DATA/prefetch}
   */
  public ServerPrefetches(Fetcher fetcher, Path workDir, Clock clock) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Takes the one run slot for a run into {@code sink}.
   *
   * @throws ApiException 409 when a run is going on (saying since when) or the server
   *     is shutting down
   */
  Slot acquire(VaultSink sink) throws ApiException {
    if (closed || !permit.tryAcquire()) {
      Slot other = running;
      throw ApiException.refused(closed ? "the server is shutting down"
          : "a prefetch is already running on this server" + (other == null ? "" : " (since " + other.started + ")")
          + ": wait for it to end");
    }
    Slot slot = new Slot(sink, Thread.currentThread(), clock.instant());
    running = slot;
    return slot;
  }

  /** The right to run one prefetch; closing it lets the next one start. */
  final class Slot implements AutoCloseable {
    private final VaultSink sink;
    private final Thread thread;
    private final Instant started;
    private boolean released;

    private Slot(VaultSink sink, Thread thread, Instant started) {
      this.sink = sink;
      this.thread = thread;
      this.started = started;
    }

    /**
     * Runs the prefetch of {@code wanted} on this thread.
     *
     * @throws IOException when the run lock or the spool cannot be set up, or the destination
     *     cannot say what it holds
     * @throws InterruptedException when the server stopped the run while shutting down
     */
    PrefetchReport run(List<ExpectedDistfile> wanted, int jobs, int perHost, Progress progress)
        throws IOException, InterruptedException {
      PrefetchConfig config = PrefetchConfig.defaults(workDir)
          .withThrottle(ThrottleSettings.defaults().withJobs(jobs, perHost));
      return new Prefetcher(config, fetcher, sink, progress, clock).run(wanted);
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        running = null;
        Thread.interrupted(); // an interrupt from close() meant for the run must not leak to the worker
        permit.release();
      }
    }
  }

  /** Cancels a running prefetch and waits for it to end (see the class comment). */
  @Override
  public void close() {
    closed = true;
    Slot slot = running;
    if (slot == null) {
      return;
    }
    slot.sink.cancel("the server is shutting down");
    try {
      if (!permit.tryAcquire(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("a prefetch run still goes on {} s after it was cancelled: interrupting it", STOP_WAIT.toSeconds());
        slot.thread.interrupt();
        if (!permit.tryAcquire(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.error("a prefetch run did not end after it was interrupted");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
