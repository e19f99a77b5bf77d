package org.distvault.prefetch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated 200,000-line manifest (the size of a whole pkgsrc tree plus wip) written and read
 * back. The read rate is printed for the report; nothing here asserts on time.
 *
 * <p>Measure by hand: {@code mvn -B -q -pl prefetch-tool -am test -Dtest=ManifestScaleTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ManifestScaleTest {
  static final int LINES = 200_000;

  @Test
  void twoHundredThousandLinesRoundTrip(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("big.jsonl");
    Random rnd = new Random(42);
    HexFormat hex = HexFormat.of();
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16);
        ManifestWriter w = new ManifestWriter(os)) {
      for (int i = 0; i < LINES; i++) {
        byte[] b2 = new byte[32];
        byte[] s512 = new byte[64];
        rnd.nextBytes(b2);
        rnd.nextBytes(s512);
        String name = (i % 10 == 0 ? "sub" + (i % 97) + "/" : "") + "pkg-" + i + "_@v_v1.2." + (i % 13) + ".tar.gz";
        w.write(new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(rnd.nextInt(1 << 30)),
            Digests.fromHex(Map.of("blake2s", hex.formatHex(b2), "sha512", hex.formatHex(s512))),
            Set.of("cat" + (i % 40) + "/pkg" + (i / 3)),
            List.of("https://site" + (i % 50) + ".example.org/dist/" + name,
                "https://cdn.example.net/pub/pkgsrc/distfiles/" + name)));
      }
    }
    long bytes = Files.size(f);
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    Manifest m = ManifestReader.readAll(f, 10);
    long nanos = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    assertEquals(LINES, m.entries().size());
    assertEquals(0, m.errorCount());
    assertEquals("pkg-199999_@v_v1.2.7.tar.gz", m.entries().get(LINES - 1).name().value());
    // CPU time too: on a shared 2-core machine the wall time mostly measures the neighbours.
    System.out.printf("ManifestScaleTest: read %d lines (%.1f MB) in %.2f s wall, %.2f s CPU:"
            + " %.0f lines per CPU-second, %.1f MB per CPU-second%n",
        LINES, bytes / 1e6, nanos / 1e9, cpu / 1e9, LINES / (cpu / 1e9), bytes / 1e6 / (cpu / 1e9));
  }
}
