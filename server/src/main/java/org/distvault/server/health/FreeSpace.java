package org.distvault.server.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Raises {@link Condition#LOW_SPACE} while the space usable by this process on the file system of
 * the data directory is below a threshold, and clears it once it is not. Each {@link #check} is one
 * {@code statfs} call.
 *
 * <p>The default threshold is 1 GiB, or 5 % of the file system when that is less (a small test
 * file system would otherwise be degraded from the start). It is a warning level, not a
 * reservation: nothing is refused because of it; writes fail only when the space is really gone
 * (uploads then answer 507).
 */
public final class FreeSpace {
  /** The default threshold on a large file system. */
  public static final long DEFAULT_BYTES = 1L << 30;

  /** The default threshold on a small file system, in percent of its size. */
  public static final int DEFAULT_PERCENT = 5;

  private final FileStore store;
  private final String where;
  private final long threshold;
  private final Health health;

  private FreeSpace(FileStore store, String where, long threshold, Health health) {
    this.store = store;
    this.where = where;
    this.threshold = threshold;
    this.health = health;
  }

  /**
   * Watches the file system of {@code dataDir}.
   *
   * @param threshold the threshold in bytes; empty for the default
   * @throws IOException when the file system of {@code dataDir} cannot be found or measured
   */
  public static FreeSpace of(Path dataDir, OptionalLong threshold, Health health) throws IOException {
    Objects.requireNonNull(health, "health");
    FileStore store = Files.getFileStore(dataDir);
    long bytes = threshold.isPresent() ? threshold.getAsLong() : defaultThreshold(store.getTotalSpace());
    if (bytes < 0) {
      throw new IllegalArgumentException("free space threshold must not be negative, got " + bytes);
    }
    return new FreeSpace(store, dataDir.toString(), bytes, health);
  }

  /** The default threshold for a file system of {@code total} bytes. */
  static long defaultThreshold(long total) {
    return Math.min(DEFAULT_BYTES, total / 100 * DEFAULT_PERCENT);
  }

  /** The threshold in bytes. */
  public long threshold() {
    return threshold;
  }

  /** Measures the free space and raises or clears {@link Condition#LOW_SPACE}; returns the bytes free. */
  public long check() {
    long free;
    try {
      free = store.getUsableSpace();
    } catch (IOException e) {
      health.raise(Condition.LOW_SPACE, "cannot measure the free space of " + where + ": " + e.getMessage());
      return 0;
    }
    if (free < threshold) {
      health.raise(Condition.LOW_SPACE, free + " bytes free on the file system of " + where
          + ", below the threshold of " + threshold + " bytes (--min-free-space)");
    } else {
      health.clear(Condition.LOW_SPACE);
    }
    return free;
  }
}
