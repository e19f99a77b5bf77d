package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 64 client threads for a bounded time against an offline server, mixing whole hits, ranges and
 * misses: every response has the expected status and bytes, and the violations recorded equal the
 * misses sent, in the catalog and in the JSON-lines file.
 */
class OfflineLoadIT {
  static final int THREADS = 64;
  static final long RUN_MILLIS = 8_000;
  static final int MAX_REQUESTS_PER_THREAD = 5_000;

  @TempDir Path data;

  @Test
  void mixedLoadHasNoErrorsAndOneViolationPerMiss() throws Exception {
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      Catalogue c = s.catalogue();
      int[] sizes = {0, 1, 1000, 16_384, 65_537, 300_000, 1_000_000};
      List<byte[]> contents = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        byte[] b = Catalogue.content(500 + i, sizes[i]);
        contents.add(b);
        c.present("load-" + i + ".tar.gz", "load/p" + i, b);
      }
      c.failed("failed-1.tar.gz", "load/failed", Catalogue.content(9, 10), "https://upstream.invalid/f", "HTTP 503");

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
      AtomicLong misses = new AtomicLong();
      AtomicLong hits = new AtomicLong();
      AtomicLong ranges = new AtomicLong();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          Random rnd = new Random(thread);
          for (int i = 0; i < MAX_REQUESTS_PER_THREAD && System.nanoTime() < deadline && errors.size() < 20; i++) {
            int file = rnd.nextInt(sizes.length);
            byte[] all = contents.get(file);
            String base = s.base() + "/pkg/load/p" + file + "/load-" + file + ".tar.gz";
            try {
              switch (i % 3) {
                case 0 -> {
                  HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(URI.create(base)));
                  check(errors, base, r.statusCode() == 200 && Arrays.equals(all, r.body()), r);
                  hits.incrementAndGet();
                }
                case 1 -> {
                  if (all.length == 0) {
                    HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(URI.create(base)).header("Range", "bytes=0-0"));
                    check(errors, base, r.statusCode() == 416, r);
                  } else {
                    int from = rnd.nextInt(all.length);
                    int to = from + rnd.nextInt(Math.min(all.length - from, 20_000));
                    HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(URI.create(base))
                        .header("Range", "bytes=" + from + "-" + to));
                    check(errors, base + " " + from + "-" + to, r.statusCode() == 206
                        && Arrays.equals(Arrays.copyOfRange(all, from, to + 1), r.body()), r);
                  }
                  ranges.incrementAndGet();
                }
                default -> {
                  boolean failed = rnd.nextBoolean();
                  String path = failed ? "/pkg/load/failed/failed-1.tar.gz" : "/distfiles/miss-" + thread + "-" + i + ".tgz";
                  HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(URI.create(s.base() + path)));
                  String body = new String(r.body(), StandardCharsets.UTF_8);
                  String expected = failed
                      ? "not-prefetched: load/failed failed-1.tar.gz was not prefetched: HTTP 503 (last tried https://upstream.invalid/f)\n"
                      : "unknown: miss-" + thread + "-" + i + ".tgz is in no manifest\n";
                  check(errors, path, r.statusCode() == 404 && body.equals(expected), r);
                  misses.incrementAndGet();
                }
              }
            } catch (IOException e) {
              errors.add(base + ": " + e);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }));
      }
      pool.shutdown();
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
      assertTrue(errors.isEmpty(), errors.size() + " errors, e.g. " + errors.stream().limit(5).toList());
      assertTrue(hits.get() > 0 && ranges.get() > 0 && misses.get() > 0, hits + " " + ranges + " " + misses);
      assertEquals(misses.get(), s.server.violations().lastCursor());
      assertEquals(misses.get(), Files.readAllLines(data.resolve("log/violations.jsonl")).size());
      System.out.printf("offline load: %d hits, %d ranges, %d misses (violations) from %d threads%n",
          hits.get(), ranges.get(), misses.get(), THREADS);
    }
  }

  private static HttpResponse<byte[]> send(HttpClient http, HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void check(ConcurrentLinkedQueue<String> errors, String what, boolean ok, HttpResponse<byte[]> r) {
    if (!ok) {
      errors.add(what + ": status " + r.statusCode() + ", " + r.body().length + " bytes");
    }
  }
}
