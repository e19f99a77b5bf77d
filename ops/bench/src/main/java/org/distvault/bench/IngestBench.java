package org.distvault.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distvault.storage.blob.BlobStore;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.HashingMode;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * Times {@link BlobStore#ingest} of one file with the modern distinfo expectation (Size, BLAKE2s,
 * SHA512) in each hashing mode, for {@code ops/bench/ingest-bench.sh}.
 *
 * <p>Usage: {@code IngestBench FILE DATA_DIR RUNS MODE...} (modes: {@code SINGLE_THREAD}, {@code
 * THREAD_PER_ALGORITHM}). Each mode gets its own store under {@code DATA_DIR/<mode>}. A first,
 * untimed ingest per mode warms the JIT and learns the digests. Runs interleave the modes, so
 * that a noisy machine disturbs them alike, and delete the blob first, so that every run renames
 * a new file into place. Prints {@code digest ALG HEX} per expected digest, then {@code run MODE N
 * SECONDS MB/S} per run (MB = 10^6 bytes).
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: IngestBench FILE DATA_DIR RUNS MODE...");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    Path data = Path.of(args[1]);
    int runs = Integer.parseInt(args[2]);
    List<HashingMode> modes = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      modes.add(HashingMode.valueOf(args[i].toUpperCase(Locale.ROOT)));
    }
    long size = Files.size(file);

    List<BlobStore> stores = new ArrayList<>();
    try {
      Expectation expected = null;
      for (HashingMode mode : modes) {
        BlobStore store =
            BlobStore.open(
                data.resolve(mode.name().toLowerCase(Locale.ROOT)),
                BlobStoreOptions.defaults().withHashing(mode));
        stores.add(store);
        StoredBlob learned =
            ingest(store, file, Expectation.none().alsoComputing(DigestAlgorithm.BLAKE2S));
        Files.delete(learned.path());
        if (expected == null) {
          Digest blake2s = learned.digests().get(DigestAlgorithm.BLAKE2S).orElseThrow();
          expected = Expectation.of(size, Digests.of(List.of(blake2s, learned.sha512())));
          System.out.println("digest blake2s " + blake2s.hex());
          System.out.println("digest sha512 " + learned.sha512().hex());
        }
      }
      for (int run = 1; run <= runs; run++) {
        for (int m = 0; m < modes.size(); m++) {
          long t0 = System.nanoTime();
          StoredBlob b = ingest(stores.get(m), file, expected);
          double seconds = (System.nanoTime() - t0) / 1e9;
          Files.delete(b.path());
          System.out.printf(
              Locale.ROOT, "run %s %d %.3f %.1f%n", modes.get(m), run, seconds,
              size / seconds / 1e6);
        }
      }
    } finally {
      for (BlobStore s : stores) {
        s.close();
      }
    }
  }

  private static StoredBlob ingest(BlobStore store, Path file, Expectation expected)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return store.ingest(in, expected);
    }
  }
}
