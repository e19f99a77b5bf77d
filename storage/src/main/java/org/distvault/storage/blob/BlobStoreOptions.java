package org.distvault.storage.blob;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of a {@link BlobStore}.
 *
 * @param maxBlobSize the largest blob accepted, in bytes, whatever the expectation says: an endless
 *     or huge body is cut off at {@code maxBlobSize + 1} bytes
 * @param hashing how digest work is spread over threads
 * @param clock the time written into quarantine reason files
 */
public record BlobStoreOptions(long maxBlobSize, HashingMode hashing, Clock clock) {
  /** 64 GiB: above any real distfile (the largest in pkgsrc are a few GiB). */
  public static final long DEFAULT_MAX_BLOB_SIZE = 64L << 30;

  public BlobStoreOptions {
    if (maxBlobSize < 0) {
      throw new IllegalArgumentException("maxBlobSize is negative: " + maxBlobSize);
    }
    Objects.requireNonNull(hashing, "hashing");
    Objects.requireNonNull(clock, "clock");
  }

  /** 64 GiB limit, one thread per algorithm, the system clock. */
  public static BlobStoreOptions defaults() {
    return new BlobStoreOptions(
        DEFAULT_MAX_BLOB_SIZE, HashingMode.THREAD_PER_ALGORITHM, Clock.systemUTC());
  }

  public BlobStoreOptions withMaxBlobSize(long bytes) {
    return new BlobStoreOptions(bytes, hashing, clock);
  }

  public BlobStoreOptions withHashing(HashingMode mode) {
    return new BlobStoreOptions(maxBlobSize, mode, clock);
  }

  public BlobStoreOptions withClock(Clock c) {
    return new BlobStoreOptions(maxBlobSize, hashing, c);
  }
}
