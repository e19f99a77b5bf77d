package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.IntPredicate;
import org.distvault.server.bench.DirectoryBlobSource;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-copy pump's resource handling with real sockets: the file is closed on every path, and
 * slow clients hold no worker thread. Open files are counted in this JVM's {@code /proc/self/fd}.
 */
class FileTransferTest {
  private static final String BIG = "big.bin";
  private static final int BIG_SIZE = 32 << 20; // far more than loopback socket buffers hold
  private static final String SMALL = "small.txt";

  @TempDir static Path dir;
  static Path bigFile;
  static DirectoryBlobSource source;

  @BeforeAll
  static void corpus() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc to count open files");
    bigFile = dir.resolve(BIG);
    Files.write(bigFile, TestCorpus.random(42, BIG_SIZE));
    Files.writeString(dir.resolve(SMALL), "small\n");
    source = DirectoryBlobSource.scan(dir, EnumSet.noneOf(DigestAlgorithm.class));
    bigFile = bigFile.toRealPath();
  }

  @AfterAll
  static void noFileLeftOpen() throws IOException, InterruptedException {
    awaitOpenCount(n -> n == 0);
  }

  /** How many descriptors of this JVM point at the big file. */
  private static int openCount() throws IOException {
    int count = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(bigFile)) {
            count++;
          }
        } catch (IOException e) {
          // The descriptor was closed between listing and reading it: it is not open any more.
          continue;
        }
      }
    }
    return count;
  }

  /** Polls (at most 20 s) until the open count satisfies {@code done}; returns the last count. */
  private static int awaitOpenCount(IntPredicate done) throws IOException, InterruptedException {
    int count = openCount();
    for (int i = 0; i < 200 && !done.test(count); i++) {
      Thread.sleep(100);
      count = openCount();
    }
    return count;
  }

  private static Socket requestWithoutReading(int port, String path) throws IOException {
    Socket socket = new Socket();
    // A small receive buffer, set before connecting so that the kernel does not grow it: with
    // autotuning up to a large net.ipv4.tcp_rmem maximum (32 MiB on some hosts), a client that
    // reads nothing could otherwise buffer the whole body and never stall the transfer.
    socket.setReceiveBufferSize(64 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(20_000);
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Closes with a TCP reset, the way a killed client goes away. */
  private static void reset(Socket socket) throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Test
  void clientThatDisconnectsMidTransferReleasesTheFile() throws Exception {
    try (HttpServing serving = HttpServing.serve(source, ServingConfig.loopback(0))) {
      Socket socket = requestWithoutReading(serving.address().getPort(), "/distfiles/" + BIG);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65536];
      long received = 0;
      while (received < 256 * 1024) {
        int n = in.read(buffer);
        assertTrue(n > 0, "response ended early");
        received += n;
      }
      assertEquals(1, openCount(), "the server holds the file while the body is being sent");
      reset(socket);
      assertEquals(0, awaitOpenCount(n -> n == 0), "file still open after the client went away");
    }
  }

  @Test
  void clientThatStopsReadingIsDroppedAtTheIdleTimeout() throws Exception {
    ServingConfig config = new ServingConfig("127.0.0.1", 0, Duration.ofSeconds(1));
    try (HttpServing serving = HttpServing.serve(source, config);
        Socket socket = requestWithoutReading(serving.address().getPort(), "/distfiles/" + BIG)) {
      assertEquals(1, awaitOpenCount(n -> n == 1), "the server opens the file");
      assertEquals(0, awaitOpenCount(n -> n == 0), "file still open after the idle timeout");
      long received = 0;
      try (InputStream in = socket.getInputStream()) {
        byte[] buffer = new byte[65536];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          received += n;
        }
      } catch (SocketException e) {
        // A reset after the buffered bytes: the server cut the connection, which is the point.
        assertTrue(received < BIG_SIZE, e.toString());
      }
      assertTrue(received < BIG_SIZE, "the stalled response must have been cut, got " + received + " bytes");
    }
  }

  @Test
  void slowClientsHoldNoWorkerThread() throws Exception {
    // 16 worker threads here. If each stalled download pinned a worker, the 25th request would
    // wait for the 120 s idle timeout.
    int stalled = 24;
    ServingConfig config = new ServingConfig("127.0.0.1", 0, ServingConfig.DEFAULT_IDLE_TIMEOUT,
        ServingConfig.DEFAULT_DRAIN_TIMEOUT, 16);
    try (HttpServing serving = HttpServing.serve(source, config)) {
      int port = serving.address().getPort();
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < stalled; i++) {
          slow.add(requestWithoutReading(port, "/distfiles/" + BIG));
        }
        assertEquals(stalled, awaitOpenCount(n -> n == stalled), "every stalled download is in progress");
        RawHttp.Reply reply = RawHttp.send(port, "GET", "/distfiles/" + SMALL);
        assertEquals(200, reply.status());
        assertEquals("small\n", reply.bodyText());
        assertEquals(stalled, openCount(), "the stalled downloads are still in progress");
      } finally {
        for (Socket s : slow) {
          reset(s);
        }
      }
      assertEquals(0, awaitOpenCount(n -> n == 0), "files still open after the clients went away");
    }
  }
}
