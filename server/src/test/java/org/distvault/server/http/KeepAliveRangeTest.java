package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.server.bench.DirectoryBlobSource;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several ranges pipelined on one kept-alive connection: each response carries exactly its
 * bytes and nothing follows it (Undertow's buffered first transfer once wrote a whole buffer of
 * file bytes after a short range, corrupting the next response).
 */
class KeepAliveRangeTest {
  @TempDir static Path dir;
  static TestCorpus corpus;
  static HttpServing serving;

  @BeforeAll
  static void start() throws IOException {
    corpus = TestCorpus.create(dir);
    serving = HttpServing.serve(DirectoryBlobSource.scan(dir, EnumSet.of(DigestAlgorithm.SHA256)),
        ServingConfig.loopback(0));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  @Test
  void pipelinedShortRangesEachCarryExactlyTheirBytes() throws IOException {
    // Also across the pooled buffers the first 64 KiB are read into and past them, where
    // zero-copy takes over.
    int[][] ranges = {{0, 99}, {200, 299}, {5, 9}, {299_000, 299_999}, {1000, 20_999},
        {16_380, 16_390}, {0, 65_535}, {10, 70_009}, {100_000, 299_999}, {0, 299_999}};
    pipelined(TestCorpus.PLAIN, ranges);
  }

  /**
   * A small file is kept open and its one channel shared by every request: many connections
   * reading ranges of it at once (head bytes by {@code pread}, the rest by {@code sendfile}) each
   * get exactly their bytes.
   */
  @Test
  void concurrentConnectionsReadingOneKeptFileEachGetTheirBytes() throws Exception {
    int size = corpus.bytes(TestCorpus.SUBDIR).length;
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        Random random = new Random(t);
        int[][] ranges = new int[12][];
        for (int i = 0; i < ranges.length; i++) {
          int first = random.nextInt(size);
          ranges[i] = new int[] {first, first + random.nextInt(size - first)};
        }
        ranges[random.nextInt(ranges.length)] = new int[] {0, size - 1};
        runs.add(pool.submit(() -> {
          for (int round = 0; round < 5; round++) {
            pipelined(TestCorpus.SUBDIR, ranges);
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * An HTTP/1.1 response carries no {@code Connection} header (the connection stays open anyway);
   * an HTTP/1.0 request that asks to keep the connection gets {@code Connection: keep-alive}, and
   * the connection does stay open for the next request.
   */
  @Test
  void keepAliveIsSaidOnlyToHttp10ClientsThatAskForIt() throws IOException {
    byte[] all = corpus.bytes(TestCorpus.PLAIN);
    String get = "GET /distfiles/" + TestCorpus.PLAIN;
    try (Socket socket = new Socket("127.0.0.1", serving.address().getPort())) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      socket.getOutputStream().write((get + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String head10 = readOne(in, all);
      assertEquals(true, head10.startsWith("HTTP/1.0 200"), head10);
      assertEquals(true, head10.contains("\r\nConnection: keep-alive\r\n"), head10);

      socket.getOutputStream().write((get + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String head11 = readOne(in, all);
      assertEquals(true, head11.startsWith("HTTP/1.1 200"), head11);
      assertEquals(false, head11.toLowerCase(Locale.ROOT).contains("\r\nconnection:"), head11);

      socket.getOutputStream().write((get + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String last = readOne(in, all);
      assertEquals(true, last.contains("\r\nConnection: close\r\n"), last);
      assertEquals(-1, in.read(), "closed after the response that said so");
    }
  }

  /** Reads one response whose body must be {@code body}; returns its head. */
  private static String readOne(InputStream in, byte[] body) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertEquals(true, b >= 0, "connection closed inside a response head: " + head.toString(StandardCharsets.ISO_8859_1));
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    assertEquals(true, text.contains("\r\nContent-Length: " + body.length + "\r\n"), text);
    assertArrayEquals(body, in.readNBytes(body.length));
    return text;
  }

  /** Sends the ranges of {@code name} pipelined on one connection and checks every response. */
  private static void pipelined(String name, int[][] ranges) throws IOException {
    byte[] all = corpus.bytes(name);
    StringBuilder requests = new StringBuilder();
    for (int i = 0; i < ranges.length; i++) {
      requests.append("GET /distfiles/").append(name).append(" HTTP/1.1\r\nHost: x\r\nRange: bytes=")
          .append(ranges[i][0]).append('-').append(ranges[i][1]).append("\r\n")
          .append(i == ranges.length - 1 ? "Connection: close\r\n" : "").append("\r\n");
    }
    byte[] raw;
    try (Socket socket = new Socket("127.0.0.1", serving.address().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
      raw = readAll(socket.getInputStream());
    }
    int at = 0;
    for (int[] r : ranges) {
      String rest = new String(raw, at, raw.length - at, StandardCharsets.ISO_8859_1);
      boolean whole = r[0] == 0 && r[1] == all.length - 1;
      assertEquals(whole ? "HTTP/1.1 20" : "HTTP/1.1 206", rest.substring(0, whole ? 11 : 12),
          "response for bytes " + r[0] + "-" + r[1]);
      int headEnd = rest.indexOf("\r\n\r\n");
      int length = r[1] - r[0] + 1;
      assertEquals(true, rest.substring(0, headEnd).contains("Content-Length: " + length));
      int bodyStart = at + headEnd + 4;
      assertArrayEquals(Arrays.copyOfRange(all, r[0], r[1] + 1), Arrays.copyOfRange(raw, bodyStart, bodyStart + length));
      at = bodyStart + length;
    }
    assertEquals(raw.length, at, "bytes after the last response");
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
