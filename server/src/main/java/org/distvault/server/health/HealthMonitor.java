package org.distvault.server.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the health checks on one daemon thread, every interval. This is where a condition ends that
 * no request would end: space freed while no request comes, a violations file that can be written
 * again, a catalog that accepts writes again.
 *
 * <p>Thread-safe; {@link #close} stops the thread and waits briefly for a check in progress.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  private final List<Runnable> checks;
  private final ScheduledExecutorService thread;

  private HealthMonitor(List<Runnable> checks) {
    this.checks = List.copyOf(checks);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "distvault-health");
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs {@code checks} in order now and then every {@code interval}. */
  public static HealthMonitor start(Duration interval, List<Runnable> checks) {
    HealthMonitor m = new HealthMonitor(checks);
    m.thread.scheduleWithFixedDelay(m::runChecks, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return m;
  }

  private void runChecks() {
    for (Runnable check : checks) {
      try {
        check.run();
      } catch (RuntimeException e) {
        // A check that throws must not end the schedule (the executor would drop it silently).
        log.debug("health check failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
