package org.distvault.storage.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.HashingMode;
import org.distvault.storage.blob.StoredBlob;

/**
 * The child JVM of {@link VaultCrashTest}: opens the vault (which cleans {@code DATA/tmp/} and
 * reconciles the catalog), prints {@code ready}, then ingests large deterministic contents one after another, printing
 * {@code committed <seed> <sha512 hex>} after each, until it is killed.
 *
 * <p>Arguments: data directory, first seed, number of contents.
 */
public final class CrashIngestMain {
  private CrashIngestMain() {}

  public static void main(String[] args) throws IOException {
    Path data = Path.of(args[0]);
    long firstSeed = Long.parseLong(args[1]);
    int count = Integer.parseInt(args[2]);
    HashingMode mode = HashingMode.values()[(int) (firstSeed % HashingMode.values().length)];
    try (Vault store = Vault.open(data, BlobStoreOptions.defaults().withHashing(mode))) {
      System.out.println("ready " + store.recovery().tmpRemoved());
      System.out.flush();
      for (long seed = firstSeed; seed < firstSeed + count; seed++) {
        long size = sizeOf(seed);
        StoredBlob blob =
            store.ingest(
                new SeededStream(seed, size),
                Expectation.none().withSize(size));
        System.out.println("committed " + seed + " " + blob.sha512().hex());
        System.out.flush();
      }
    }
  }

  /** The size of the content for {@code seed}: 64 to 128 MiB, not a multiple of any buffer. */
  static long sizeOf(long seed) {
    return (64L << 20) + new SplittableRandom(seed).nextLong(64L << 20);
  }

  /** {@code size} pseudo-random bytes determined by {@code seed}. */
  static final class SeededStream extends InputStream {
    private final SplittableRandom random;
    private long remaining;

    SeededStream(long seed, long size) {
      this.random = new SplittableRandom(seed * 31 + 17);
      this.remaining = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i += 8) {
        long r = random.nextLong();
        for (int j = 0; j < 8 && i + j < n; j++) {
          b[off + i + j] = (byte) (r >>> (8 * j));
        }
      }
      remaining -= n;
      return n;
    }
  }
}
