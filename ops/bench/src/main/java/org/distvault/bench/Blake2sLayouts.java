package org.distvault.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Layouts of the BLAKE2s rounds side by side in one JVM: the committed {@code Blake2s} against
 * variants written by {@code ops/bench/blake2s-rounds.py --variant} (see {@code
 * ops/bench/blake2s-layouts.sh}).
 *
 * <p>Each class must be in package {@code org.distvault.storage.digest} with the methods of
 * {@code Blake2s}. Before anything is timed, every class must give the committed class's digest
 * of several messages. Then each class is warmed up and timed by this thread's CPU time in short
 * slices, taken in turn and in a rotating order, so that all of them see the same load.
 *
 * <p>Usage: {@code java -cp distvault-bench.jar:VARIANTS org.distvault.bench.Blake2sLayouts
 * [--rounds N] [--slice-ms N] CLASS...}; the first class is the reference. Prints per class the
 * median MB per CPU second and the median of its per-round ratios to the reference.
 */
public final class Blake2sLayouts {
  private static final String PACKAGE = "org.distvault.storage.digest.";
  private static final int INPUT_BYTES = 16384;
  private static final int BLOCK = 64;
  private static final long WARM_UP_NANOS = 2_000_000_000L;

  private Blake2sLayouts() {}

  public static void main(String[] args) throws Throwable {
    int rounds = 20;
    long sliceNanos = 100_000_000L;
    int first = 0;
    for (; first < args.length && args[first].startsWith("--"); first += 2) {
      if (first + 1 >= args.length) {
        throw usage(args[first] + " needs a value");
      }
      int value = Integer.parseInt(args[first + 1]);
      switch (args[first]) {
        case "--rounds" -> rounds = value;
        case "--slice-ms" -> sliceNanos = value * 1_000_000L;
        default -> throw usage("unknown option " + args[first]);
      }
    }
    String[] names = Arrays.copyOfRange(args, first, args.length);
    if (names.length == 0 || rounds < 1 || sliceNanos <= 0) {
      throw usage("need at least one class, and positive --rounds and --slice-ms");
    }
    Layout[] layouts = new Layout[names.length];
    for (int i = 0; i < names.length; i++) {
      layouts[i] = new Layout(names[i]);
    }
    checkDigests(layouts);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    byte[] input = new byte[INPUT_BYTES];
    new Random(7).nextBytes(input);
    for (Layout l : layouts) {
      l.mbPerCpuSecond(mx, input, WARM_UP_NANOS);
    }
    double[][] rates = new double[names.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < names.length; j++) {
        int i = (j + r) % names.length;
        rates[i][r] = layouts[i].mbPerCpuSecond(mx, input, sliceNanos);
      }
    }
    System.out.printf("%-22s %10s %12s%n", "layout", "MB/s", "vs " + names[0]);
    for (int i = 0; i < names.length; i++) {
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = rates[i][r] / rates[0][r];
      }
      System.out.printf("%-22s %10.1f %12.3f%n", names[i], median(rates[i]), median(ratios));
    }
  }

  /** Every layout must hash messages of several lengths exactly as the first one does. */
  private static void checkDigests(Layout[] layouts) throws Throwable {
    Random random = new Random(1);
    for (int blocks : new int[] {1, 2, 17, 300}) {
      byte[] message = new byte[blocks * BLOCK];
      random.nextBytes(message);
      byte[] expected = layouts[0].digest(message);
      for (Layout l : layouts) {
        byte[] actual = l.digest(message);
        if (!Arrays.equals(expected, actual)) {
          throw new IllegalStateException(
              l.name + " gives a different digest of " + message.length + " bytes than "
                  + layouts[0].name + ": not a BLAKE2s layout to compare");
        }
      }
    }
  }

  private static double median(double[] x) {
    double[] sorted = x.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static IllegalArgumentException usage(String problem) {
    return new IllegalArgumentException(
        problem + "; usage: Blake2sLayouts [--rounds N] [--slice-ms N] CLASS...");
  }

  /** One layout's class, driven through its package-private methods. */
  private static final class Layout {
    final String name;
    private final MethodHandle create;
    private final MethodHandle compress;
    private final MethodHandle compressLast;
    private final MethodHandle digest;

    Layout(String name) throws ReflectiveOperationException {
      this.name = name;
      Class<?> c = Class.forName(PACKAGE + name);
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
      create = lookup.findConstructor(c, MethodType.methodType(void.class));
      compress = lookup.findVirtual(c, "compress",
          MethodType.methodType(void.class, byte[].class, int.class, int.class, long.class));
      compressLast = lookup.findVirtual(c, "compressLast",
          MethodType.methodType(void.class, byte[].class, long.class));
      digest = lookup.findVirtual(c, "digest", MethodType.methodType(byte[].class));
    }

    /** The digest of {@code message}, a whole number of blocks, the last one flagged as such. */
    byte[] digest(byte[] message) throws Throwable {
      Object state = create.invoke();
      int blocks = message.length / BLOCK;
      compress.invoke(state, message, 0, blocks - 1, 0L);
      compressLast.invoke(state, Arrays.copyOfRange(message, message.length - BLOCK,
          message.length), (long) message.length);
      return (byte[]) digest.invoke(state);
    }

    /** Compresses {@code input} over and over until {@code cpuNanos} of CPU time are used. */
    double mbPerCpuSecond(ThreadMXBean mx, byte[] input, long cpuNanos) throws Throwable {
      Object state = create.invoke();
      int blocks = input.length / BLOCK;
      long start = mx.getCurrentThreadCpuTime();
      long used = 0;
      long bytes = 0;
      // Bounded: CPU time grows with every pass, so the loop ends after about cpuNanos.
      while (used < cpuNanos) {
        for (int i = 0; i < 8; i++) {
          compress.invoke(state, input, 0, blocks, bytes);
          bytes += input.length;
        }
        used = mx.getCurrentThreadCpuTime() - start;
      }
      return bytes * 1e3 / used;
    }
  }
}
