package org.distvault.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * A benchmark of the same digests as {@link DigestBench}, timed by the thread's CPU time rather
 * than the wall clock.
 *
 * <p>On a loaded machine the wall clock also counts the time this thread waited for a core.
 * {@code openssl speed} (without {@code -elapsed}) divides by its CPU user time, so this is the
 * figure to set against it there. Each digest is warmed up, then measured in short slices taken
 * in turn with the others, so that all of them see the same load; the median slice is reported.
 *
 * <p>Usage: {@code java -cp distvault-bench.jar org.distvault.bench.DigestCpuTime [slices]}.
 * Prints one line per digest and size: {@code <name>-<size> <MB per CPU second>}.
 */
public final class DigestCpuTime {
  private static final long SLICE_NANOS = 500_000_000L;
  private static final long WARM_UP_NANOS = 3_000_000_000L;

  /** Folds every digest into something printed, so the JIT cannot drop the work. */
  private static int sink;

  private DigestCpuTime() {}

  public static void main(String[] args) {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    if (!mx.isCurrentThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure thread CPU time");
    }
    for (int size : new int[] {16384, 1 << 20}) {
      DigestBench bench = new DigestBench();
      bench.size = size;
      bench.fill();
      Map<String, IntSupplier> digests = new LinkedHashMap<>();
      digests.put("blake2sOurs", () -> bench.blake2sOurs().hashCode());
      digests.put("blake2sBouncyCastle", () -> bench.blake2sBouncyCastle()[0]);
      digests.put("sha512Jdk", () -> sha512(bench));
      // Check the clock once per MiB or so: reading thread CPU time is not free.
      int batch = Math.max(1, (1 << 20) / size);
      for (IntSupplier d : digests.values()) {
        opsPerCpuSecond(mx, d, batch, WARM_UP_NANOS);
      }
      double[][] rates = new double[digests.size()][slices];
      for (int s = 0; s < slices; s++) {
        int i = 0;
        for (IntSupplier d : digests.values()) {
          rates[i++][s] = opsPerCpuSecond(mx, d, batch, SLICE_NANOS) * size / 1e6;
        }
      }
      int i = 0;
      for (String name : digests.keySet()) {
        double[] x = rates[i++];
        Arrays.sort(x);
        System.out.printf("%s-%d %.1f%n", name, size, x[slices / 2]);
      }
    }
    System.err.println("(sink " + sink + ")");
  }

  /** Runs {@code d} in batches until it has used {@code cpuNanos} of this thread's CPU time. */
  private static double opsPerCpuSecond(ThreadMXBean mx, IntSupplier d, int batch, long cpuNanos) {
    long start = mx.getCurrentThreadCpuTime();
    long used = 0;
    long ops = 0;
    // Bounded: CPU time grows with every batch, so the loop ends after about cpuNanos.
    while (used < cpuNanos) {
      for (int i = 0; i < batch; i++) {
        sink += d.getAsInt();
      }
      ops += batch;
      used = mx.getCurrentThreadCpuTime() - start;
    }
    return ops * 1e9 / used;
  }

  private static int sha512(DigestBench bench) {
    try {
      return bench.sha512Jdk()[0];
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks SHA-512", e);
    }
  }
}
