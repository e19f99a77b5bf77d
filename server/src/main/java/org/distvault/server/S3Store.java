package org.distvault.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.distvault.storage.vault.RecoveryReport;
import org.distvault.storage.vault.Vault;
import org.distvault.storage.s3.CacheTier;
import org.distvault.storage.s3.S3BlobBackend;
import org.distvault.storage.s3.S3Options;

/**
 * The S3-compatible blob store of {@code serve --blob-store s3://BUCKET[/PREFIX]}, with the local
 * cache tier in front of it ({@code --cache-dir}, {@code --cache-size}).
 *
 * @param options the bucket, prefix, endpoint, region and addressing; credentials come from the
 *     SDK's standard chain, never from flags
 * @param cacheDir the cache tier's directory
 * @param cacheSize the tier's bound, in bytes; also the largest blob the store takes
 */
public record S3Store(S3Options options, Path cacheDir, long cacheSize) {
  public S3Store {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(cacheDir, "cacheDir");
    if (cacheSize < 1) {
      throw new IllegalArgumentException("cache size must be positive: " + cacheSize);
    }
  }

  /**
   * Opens the tier and the backend on it; sends no request to the bucket. The caller closes the
   * backend (the vault does).
   *
   * @throws IOException when the cache directory cannot be used (e.g. another process holds it)
   * @throws UnusableException when the options cannot reach a bucket (no region)
   */
  S3BlobBackend open() throws IOException {
    CacheTier tier = CacheTier.open(cacheDir, cacheSize, options.blobs());
    try {
      return S3BlobBackend.open(options, tier);
    } catch (IllegalArgumentException e) {
      tier.close();
      throw new UnusableException(e.getMessage(), e);
    } catch (RuntimeException e) {
      tier.close();
      throw e;
    }
  }

  /**
   * {@code serve --recover} on the bucket: moves the catalog aside and rebuilds it from the bucket's
   * objects (each read back and re-hashed with every algorithm; an object whose bytes are not its
   * name is put aside under {@code PREFIX/quarantine/} and not recorded), the seal listings and the
   * violations log in {@code dataDir}; then closes the store again.
   *
   * @return what was recorded, put aside, rebuilt and lost
   * @throws IOException when the data or cache directory cannot be used
   * @throws org.distvault.storage.blob.BackendUnavailableException when the bucket cannot be read
   */
  public RecoveryReport recover(Path dataDir, Clock clock) throws IOException {
    try (Vault vault = Vault.open(dataDir, open(), clock, Vault.Start.RECOVER)) {
      return vault.recovery();
    }
  }

  /** The store's settings do not describe a bucket that can be used (a usage error). */
  public static final class UnusableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnusableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
