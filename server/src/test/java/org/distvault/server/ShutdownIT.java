package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the server while requests run: a download in flight is drained to its last byte, misses
 * answered before the close are durable violations, and nothing touches the store after it.
 */
class ShutdownIT {
  @TempDir Path data;

  @Test
  void downloadInFlightIsDrainedBeforeTheStoreCloses() throws Exception {
    byte[] big = Catalogue.content(1, 8 << 20);
    TestServer s = TestServer.start(data, Mode.OFFLINE);
    s.catalogue().present("big-1.tar.gz", "cat/big", big);
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setReceiveBufferSize(64 * 1024);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /distfiles/big-1.tar.gz HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      byte[] first = in.readNBytes(1024);
      assertTrue(new String(first, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
      CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
        try {
          s.close();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      // The transfer is parked on a full socket: closing waits for it.
      Thread.sleep(300);
      assertFalse(closing.isDone(), "close returned while a download was in flight");
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(first);
      in.transferTo(all);
      byte[] response = all.toByteArray();
      String text = new String(response, StandardCharsets.ISO_8859_1);
      int bodyStart = text.indexOf("\r\n\r\n") + 4;
      assertEquals(bodyStart + big.length, response.length);
      assertArrayEquals(big, java.util.Arrays.copyOfRange(response, bodyStart, response.length));
      closing.get(30, TimeUnit.SECONDS);
    }
    assertThrows(IllegalStateException.class, () -> s.server.vault().stats());
  }

  @Test
  void missesAnsweredBeforeCloseAreDurableAndLaterOnesFailCleanly() throws Exception {
    TestServer s = TestServer.start(data, Mode.OFFLINE);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong refused = new AtomicLong();
    CountDownLatch warm = new CountDownLatch(16 * 5);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      clients.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 100_000 && !stop.get(); i++) {
          String path = "/distfiles/closing-" + thread + "-" + i + ".tgz";
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.base() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
              answered.add(path);
            } else if (r.statusCode() != 503 && r.statusCode() != 500) {
              unexpected.add(path + ": " + r.statusCode() + " " + r.body());
            }
            warm.countDown();
          } catch (IOException e) {
            // Connection refused or reset once the listener is gone: expected around the close.
            refused.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, pool));
    }
    assertTrue(warm.await(60, TimeUnit.SECONDS));
    s.close();
    stop.set(true);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertTrue(unexpected.isEmpty(), unexpected.toString());

    try (TestServer again = TestServer.start(data)) {
      Set<String> stored = new HashSet<>();
      long after = 0;
      for (int page = 0; page < 100; page++) {
        List<Violation> vs = again.server.violations().read(after, 10_000);
        if (vs.isEmpty()) {
          break;
        }
        vs.forEach(v -> stored.add(v.path()));
        after = vs.get(vs.size() - 1).cursor();
      }
      assertTrue(answered.size() >= 80, "answered " + answered.size());
      for (String path : answered) {
        assertTrue(stored.contains(path), "answered but not recorded: " + path);
      }
    }
  }
}
