package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.server.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distvault.server.http.ConnectionGate.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection bounds and timeouts of {@link HttpServing}, with an "attacker" on 127.0.0.2 (and
 * 127.0.0.3) and an honest client on 127.0.0.1.
 */
class ConnectionBoundsTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final HttpHandler OK = exchange -> exchange.getResponseSender().send("ok");

  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static HttpServing serve(ConnectionPolicy policy) {
    return HttpServing.start(OK, ServingConfig.loopback(0).withConnections(policy));
  }

  private static ConnectionPolicy bounds(int max, int perClient) {
    return new ConnectionPolicy(LONG, LONG, LONG, max, perClient, 0);
  }

  @Test
  void oneAddressOverItsBoundIsRefusedWhileOthersAreServed() throws Exception {
    try (HttpServing serving = serve(bounds(16, 3))) {
      for (int i = 0; i < 3; i++) {
        connect("127.0.0.2", serving);
      }
      assertEquals(3, awaitOpen(serving, 3), "the attacker's connections are held");
      assertTrue(readAll(connect("127.0.0.2", serving)).startsWith("HTTP/1.1 503 "), "the fourth is refused");
      assertEquals(1, serving.connections().refused(Refusal.PER_CLIENT));
      RawHttp.Reply honest = RawHttp.send(serving.address().getPort(), "GET", "/");
      assertEquals(200, honest.status());
      assertEquals("ok", honest.bodyText());

      // A slot of the address comes back as soon as one of its connections closes.
      sockets.get(0).close();
      assertEquals(2, awaitOpen(serving, 2));
      connect("127.0.0.2", serving);
      assertEquals(3, awaitOpen(serving, 3));
      assertEquals(1, serving.connections().refused(Refusal.PER_CLIENT), "admitted again, not refused");
    }
  }

  @Test
  void totalBoundRefusesEveryAddressAndRecoversAtOnce() throws Exception {
    try (HttpServing serving = serve(bounds(4, 2))) {
      for (String from : new String[] {"127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"}) {
        connect(from, serving);
      }
      assertEquals(4, awaitOpen(serving, 4));
      String refused = readAll(connect("127.0.0.1", serving));
      assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
      assertTrue(refused.contains("Connection: close"), refused);
      assertEquals(1, serving.connections().refused(Refusal.TOTAL));

      sockets.get(0).close();
      assertEquals(3, awaitOpen(serving, 3));
      assertEquals(200, RawHttp.send(serving.address().getPort(), "GET", "/").status());
    }
  }

  @Test
  void idleConnectionsAreClosedAtTheIdleTimeout() throws Exception {
    ConnectionPolicy policy = new ConnectionPolicy(Duration.ofSeconds(1), LONG, LONG, 16, 16, 0);
    try (HttpServing serving = serve(policy)) {
      Socket fresh = connect("127.0.0.1", serving);
      Socket keptAlive = connect("127.0.0.1", serving);
      keptAlive.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = readResponseHead(keptAlive.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 200 "), response);
      for (Socket s : List.of(fresh, keptAlive)) {
        // Five times the idle timeout, far below the other timeouts (60 s).
        s.setSoTimeout(5_000);
        assertTrue(closedByServer(s), "connection still open after the idle timeout");
      }
      assertEquals(0, awaitOpen(serving, 0));
    }
  }

  @Test
  void aRequestHeadSentSlowlyIsCutAtTheHeadTimeoutThoughBytesKeepComing() throws Exception {
    ConnectionPolicy policy = new ConnectionPolicy(LONG, Duration.ofSeconds(1), LONG, 16, 16, 0);
    try (HttpServing serving = serve(policy)) {
      Socket slow = connect("127.0.0.1", serving);
      OutputStream out = slow.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      slow.setSoTimeout(1);
      boolean closed = false;
      // One header byte every 100 ms for at most 5 s: never idle, so only a deadline on the whole
      // head ends it.
      for (int i = 0; i < 50 && !closed; i++) {
        Thread.sleep(100);
        try {
          out.write('x');
          // Undertow closes a connection at the head timeout without answering.
          assertEquals(-1, slow.getInputStream().read(), "the server answered instead of closing");
          closed = true;
        } catch (SocketTimeoutException e) {
          // still open
        } catch (IOException e) {
          closed = true; // reset by the server
        }
      }
      assertTrue(closed, "a request head trickling in for 5 s was not cut at the 1 s head timeout");
    }
  }

  private Socket connect(String from, HttpServing serving) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(from, 0));
    s.connect(serving.address(), 10_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Waits (at most 5 s) until {@code n} connections are open on the server; returns the count then. */
  private static int awaitOpen(HttpServing serving, int n) throws InterruptedException {
    int open = serving.connections().open();
    for (int i = 0; i < 200 && open != n; i++) {
      Thread.sleep(25);
      open = serving.connections().open();
    }
    return open;
  }

  /** Everything the server sends until it closes. */
  private static String readAll(Socket s) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      InputStream in = s.getInputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        got.write(buffer, 0, n);
      }
    } catch (SocketException e) {
      // reset after the bytes: what arrived is the answer
    }
    return got.toString(StandardCharsets.US_ASCII);
  }

  /** The status line and headers of a response, and its 2-byte body ("ok"). */
  private static String readResponseHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the head: " + head);
      }
      head.append((char) b);
    }
    assertEquals('o', in.read());
    assertEquals('k', in.read());
    return head.toString();
  }

  /** Whether the server closes {@code s} (end of stream or reset) before its read timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }
}
