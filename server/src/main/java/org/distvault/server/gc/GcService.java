package org.distvault.server.gc;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import org.distvault.server.metrics.ServerMetrics;
import org.distvault.storage.vault.GcReport;
import org.distvault.storage.vault.Vault;
import org.distvault.storage.vault.VaultBusyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs garbage collections of the vault ({@link Vault#gc}) and counts them in the metrics; with a
 * size bound ({@code serve --max-size}), {@link #checkSize} collects by itself, oldest garbage first
 * and only as much as needed, when the stored blobs exceed it. Live blobs are never evicted: when
 * they alone exceed the bound, it says so (a WARN line, {@code distvault_live_bytes_over_max_size 1})
 * and deletes nothing more. Thread-safe.
 */
public final class GcService {
  private static final Logger log = LoggerFactory.getLogger(GcService.class);
  /** How many seals of each set keep their blobs unless asked otherwise. */
  public static final int DEFAULT_KEEP_SEALS = 2;
  /** Least time between two collections of the size bound that could not get under it. */
  static final Duration RETRY_AFTER_SHORT = Duration.ofMinutes(1);

  private final Vault vault;
  private final ServerMetrics metrics;
  private final Clock clock;
  private final int keepSeals;
  private final OptionalLong maxSize;
  private Instant shortAt = Instant.MIN;
  private long shortBytes = -1;
  private boolean warned;

  /**
   * @param keepSeals the seals per set kept by the collections of the size bound
   * @param maxSize the size bound of the stored blobs, if any
   */
  public GcService(Vault vault, ServerMetrics metrics, Clock clock, int keepSeals, OptionalLong maxSize) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (keepSeals < 0) {
      throw new IllegalArgumentException("keepSeals must be 0 or more");
    }
    this.keepSeals = keepSeals;
    this.maxSize = Objects.requireNonNull(maxSize, "maxSize");
  }

  /**
   * One collection of all garbage (or a count of it, without {@code apply}).
   *
   * @throws VaultBusyException while another collection or a scrub runs
   */
  public GcReport run(int keepSeals, boolean apply) throws IOException {
    GcReport report = vault.gc(keepSeals, apply, Long.MAX_VALUE);
    metrics.gcFinished(clock.instant(), report.garbageBytes() - report.freedBytes(), report.freedBytes());
    return report;
  }

  /**
   * With a size bound: collects the oldest garbage until the stored blobs fit, if they do not.
   * For a periodic check; never throws.
   */
  public void checkSize() {
    if (maxSize.isEmpty()) {
      return;
    }
    long max = maxSize.getAsLong();
    long stored = vault.stats().blobBytes();
    if (stored <= max) {
      synchronized (this) {
        warned = false;
      }
      metrics.liveOverMaxSize(false);
      return;
    }
    synchronized (this) {
      // Live data alone was over the bound: try again once it grew, and not too often.
      if (stored <= shortBytes || clock.instant().isBefore(shortAt.plus(RETRY_AFTER_SHORT))) {
        return;
      }
    }
    try {
      GcReport r = vault.gc(keepSeals, true, stored - max);
      metrics.gcFinished(clock.instant(), r.garbageBytes() - r.freedBytes(), r.freedBytes());
      long after = vault.stats().blobBytes();
      boolean over = after > max;
      metrics.liveOverMaxSize(over);
      log.info("--max-size {}: {} bytes stored, garbage collected: {} blobs ({} bytes) freed, {} bytes stored now",
          max, stored, r.freedCount(), r.freedBytes(), after);
      synchronized (this) {
        if (over) {
          shortAt = clock.instant();
          shortBytes = after;
          if (!warned) {
            log.warn("--max-size {}: the live blobs alone take {} bytes, more than the bound; nothing live is"
                + " deleted: raise --max-size, lower --keep-seals, or delete sets no longer needed", max, after);
            warned = true;
          }
        } else {
          shortBytes = -1;
          warned = false;
        }
      }
    } catch (VaultBusyException e) {
      log.debug("--max-size: {}; collecting later", e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn("--max-size: garbage collection failed: {}", e.toString());
    }
  }
}
