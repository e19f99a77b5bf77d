package org.distvault.prefetch.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefetch in a child JVM is SIGKILLed while two downloads hang half-way; a rerun removes the
 * unverified spool files, keeps every file the killed run had delivered, and downloads only the
 * two unfinished ones again (the upstream counts requests per file).
 */
@Timeout(120)
class KillAndRerunTest {
  @TempDir Path work;
  @TempDir Path distdir;
  @TempDir Path tmp;

  @Test
  void killedRunLosesNoVerifiedWorkAndRerunFetchesOnlyTheRest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Upstream up = new Upstream()) {
      Map<String, byte[]> files = new TreeMap<>();
      List<ExpectedDistfile> entries = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        byte[] c = TestFiles.bytes(50 + i, 400_000);
        up.on("/h" + i, Upstream.halfThenWait(c, release));
        entries.add(TestFiles.entry("hold-" + i + ".tgz", "cat/hold" + i, c, up.url("/h" + i)));
        files.put("hold-" + i + ".tgz", c);
      }
      for (int i = 0; i < 6; i++) {
        byte[] c = TestFiles.bytes(60 + i, 50_000);
        up.on("/q" + i, Upstream.file(c));
        entries.add(TestFiles.entry("sub/quick-" + i + ".tgz", "cat/quick" + i, c, up.url("/q" + i)));
        files.put("sub/quick-" + i + ".tgz", c);
      }
      Path manifest = tmp.resolve("manifest.jsonl");
      try (OutputStream os = Files.newOutputStream(manifest); ManifestWriter w = new ManifestWriter(os)) {
        for (ExpectedDistfile e : entries) {
          w.write(e);
        }
      }

      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), PrefetchChild.class.getName(),
          work.toString(), distdir.toString(), manifest.toString())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
      try {
        waitUntilHalfWay(up, child);
      } finally {
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
      }
      assertEquals(2, spoolFiles().size(), "the two hanging downloads left unverified spool files");
      assertEquals(6, delivered().size());
      release.countDown();

      PrefetchReport rerun = PrefetchChild.prefetcher(work, distdir)
          .run(ManifestReader.readAll(manifest, 10).requireValid("manifest").entries());
      assertEquals(2, rerun.cleanedSpoolFiles());
      assertEquals(6, rerun.summary().present());
      assertEquals(2, rerun.summary().ok());
      assertEquals(RunResult.SUCCESS, rerun.result());
      for (int i = 0; i < 6; i++) {
        assertEquals(1, up.requests("/q" + i), "quick file " + i + " fetched again");
      }
      assertEquals(2, up.requests("/h0"));
      assertEquals(2, up.requests("/h1"));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        assertArrayEquals(f.getValue(), Files.readAllBytes(distdir.resolve(f.getKey())), f.getKey());
      }
      assertEquals(List.of(), spoolFiles());
    } finally {
      release.countDown();
    }
  }

  private void waitUntilHalfWay(Upstream up, Process child) throws Exception {
    for (int i = 0; i < 600; i++) { // at most 60 s
      if (!child.isAlive()) {
        throw new AssertionError("child exited early with " + child.exitValue() + ":\n"
            + Files.readString(tmp.resolve("child.log")));
      }
      boolean holdsStarted = up.requests("/h0") == 1 && up.requests("/h1") == 1;
      boolean spooled = spoolFiles().size() == 2 && spoolFiles().stream().allMatch(p -> size(p) >= 200_000);
      if (holdsStarted && spooled && delivered().size() == 6) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("child never reached the half-way point:\n" + Files.readString(tmp.resolve("child.log")));
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private List<Path> spoolFiles() throws IOException {
    Path spool = work.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(spool)) {
      return s.toList();
    }
  }

  private List<Path> delivered() throws IOException {
    try (Stream<Path> s = Files.walk(distdir)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".distvault-tmp")).toList();
    }
  }
}
