package org.distvault.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code ops/logrotate/distvault}, run by the real logrotate while an offline server
 * records misses: across the current file and every rotated one (compressed or not), each
 * violation's line is there exactly once.
 */
@Timeout(180)
class LogrotateIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MISSES = 1_500;
  static final int ROTATIONS = 8;

  @TempDir Path dir;

  @Test
  void rotatingWhileMissesAreRecordedLosesNoLine() throws Exception {
    Path logrotate = Path.of("/usr/sbin/logrotate");
    assumeTrue(Files.isExecutable(logrotate), "logrotate is not installed (.ci/run installs it)");
    // logrotate refuses a log directory that others may write to.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path data = dir.resolve("data");
    Path log = data.resolve("log").resolve("violations.jsonl");
    Path conf = dir.resolve("logrotate.conf");
    String shipped = Files.readString(OpsPaths.ops().resolve("logrotate").resolve("distvault"), UTF_8);
    assertTrue(shipped.contains("/var/lib/distvault/data/log/violations.jsonl {"), shipped);
    // The shipped file as it is, but for the path and the user (no distvault user here).
    Files.writeString(conf, shipped.replace("/var/lib/distvault/data/log/violations.jsonl", log.toString())
        .replace("su distvault distvault", "su root root"), UTF_8);

    try (JarServer server = JarServer.start(data, dir, "--mode", "offline")) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      AtomicInteger answered404 = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> clients = new ArrayList<>();
      AtomicInteger next = new AtomicInteger();
      for (int t = 0; t < 4; t++) {
        clients.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < MISSES; i = next.getAndIncrement()) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "pkg/devel/p" + (i % 50) + "/miss-" + i + ".tar.gz")).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 404) {
              answered404.incrementAndGet();
            }
          }
          return null;
        }));
      }
      int rotated = 0;
      for (int r = 0; r < ROTATIONS && next.get() < MISSES; r++) {
        Thread.sleep(150);
        Process p = new ProcessBuilder(logrotate.toString(), "-f", "-s", dir.resolve("state").toString(), conf.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "logrotate hung");
        assertEquals(0, p.exitValue(), "logrotate: " + out);
        rotated++;
      }
      for (Future<?> c : clients) {
        c.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertEquals(MISSES, answered404.get());
      assertTrue(rotated >= 2, "rotated only " + rotated + " times while misses were recorded");
    }

    // Every violation's line exactly once, across every file logrotate left.
    TreeMap<Long, Integer> seen = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(log.getParent())) {
      files = s.filter(f -> f.getFileName().toString().startsWith("violations.jsonl")).sorted().toList();
    }
    assertTrue(files.size() >= 3, "expected rotated files beside the current one: " + files);
    for (Path f : files) {
      try (InputStream raw = Files.newInputStream(f);
          InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
          BufferedReader r = new BufferedReader(new InputStreamReader(in, UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          seen.merge(JSON.readTree(line).path("cursor").asLong(), 1, Integer::sum);
        }
      }
    }
    assertEquals(MISSES, seen.size(), "violations found in " + files);
    assertEquals(1L, seen.firstKey());
    assertEquals((long) MISSES, seen.lastKey());
    seen.forEach((cursor, count) -> assertEquals(1, count, "cursor " + cursor + " seen " + count + " times"));
  }
}
