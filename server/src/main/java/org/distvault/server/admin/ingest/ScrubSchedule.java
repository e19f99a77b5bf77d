package org.distvault.server.admin.ingest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.blob.ScrubReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --scrub-every DURATION}: a scrub every {@code every}, counted from the last one
 * (also one of an earlier run of the server, so a restart neither skips nor repeats it); a scrub
 * the admin route started meanwhile counts too. Runs on its own thread; stops at {@link #close}.
 */
public final class ScrubSchedule implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScrubSchedule.class);

  /** How often the schedule looks whether a scrub is due: a scrub is never later than this. */
  static final Duration CHECK = Duration.ofMinutes(1);

  private final ScrubRunner runner;
  private final Duration every;
  private final Clock clock;
  private final Instant started;
  private final ScheduledExecutorService thread;

  public ScrubSchedule(ScrubRunner runner, Duration every, Clock clock) {
    this(runner, every, clock, CHECK);
  }

  ScrubSchedule(ScrubRunner runner, Duration every, Clock clock, Duration check) {
    this.runner = Objects.requireNonNull(runner, "runner");
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("--scrub-every must be positive, got " + every);
    }
    this.every = every;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.started = clock.instant();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "scrub-schedule");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::runIfDue, 0, check.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * When the next scrub is due: {@code every} after the last one, or after the start if none, or
   * after the last failed attempt (a failing scrub is not retried every minute).
   */
  Instant due() {
    Instant from = runner.last().map(ScrubRunner.Last::at).orElse(started);
    return (attempted != null && attempted.isAfter(from) ? attempted : from).plus(every);
  }

  private volatile Instant attempted;

  private void runIfDue() {
    if (clock.instant().isBefore(due())) {
      return;
    }
    attempted = clock.instant();
    try {
      Optional<ScrubReport> report = runner.runIfIdle();
      report.ifPresent(r -> log.info("scheduled scrub: {} blobs ({} bytes) checked, {} corrupt, {} missing",
          r.checked(), r.bytes(), r.corrupt().size(), r.missing().size()));
    } catch (IOException | RuntimeException e) {
      // Tried again at the next check; the alert on the last scrub's age says if it keeps failing.
      log.warn("scheduled scrub failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
