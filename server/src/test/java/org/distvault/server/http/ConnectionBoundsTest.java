package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.distvault.server.http.ConnectionGate.Bound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection bounds and timeouts of {@link HttpServing}, with "attackers" on 127.0.0.2 and
 * 127.0.0.3 and an honest client on 127.0.0.1. A request to {@code /hold} keeps its connection
 * serving until the test releases it.
 */
class ConnectionBoundsTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final byte[] HOLD = "GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final List<Socket> sockets = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final Semaphore held = new Semaphore(0);

  /** "ok", or for {@code /hold} "held" once the test releases it (at most 30 s). */
  private final HttpHandler handler = new HttpHandler() {
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      if (exchange.getRequestPath().equals("/hold")) {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        held.release();
        release.await(30, TimeUnit.SECONDS);
        exchange.getResponseSender().send("held");
        return;
      }
      exchange.getResponseSender().send("ok");
    }
  };

  @AfterEach
  void closeSockets() throws IOException {
    release.countDown();
    for (Socket s : sockets) {
      s.close();
    }
  }

  private HttpServing serve(ConnectionPolicy policy) {
    return HttpServing.start(handler, ServingConfig.loopback(0).withConnections(policy));
  }

  private static ConnectionPolicy bounds(int max, int perClient) {
    return new ConnectionPolicy(LONG, LONG, LONG, max, perClient, 0);
  }

  @Test
  void aNewConnectionOverItsAddressBoundTakesThePlaceOfItsOldestIdleOne() throws Exception {
    try (HttpServing serving = serve(bounds(16, 3))) {
      // One at a time: the I/O threads may accept connections made together in any order, and
      // "oldest" is the one accepted first.
      Socket oldest = connect("127.0.0.2", serving);
      assertEquals(1, awaitOpen(serving, 1));
      connect("127.0.0.2", serving);
      assertEquals(2, awaitOpen(serving, 2));
      connect("127.0.0.2", serving);
      assertEquals(3, awaitOpen(serving, 3), "the attacker's connections are held");
      Socket newest = connect("127.0.0.2", serving);
      oldest.setSoTimeout(20_000); // bounded; a machine loaded by other builds can take seconds to accept
      assertTrue(closedByServer(oldest), "the oldest idle connection makes room");
      assertEquals(3, serving.connections().open());
      assertEquals(1, serving.connections().evicted(Bound.PER_CLIENT));
      assertEquals(0, serving.connections().refused(Bound.PER_CLIENT));
      newest.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(readResponseHead(newest.getInputStream(), "ok").startsWith("HTTP/1.1 200 "));
    }
  }

  @Test
  void anAddressWhoseConnectionsAllServeIsRefusedWhileOthersAreServed() throws Exception {
    try (HttpServing serving = serve(bounds(16, 3))) {
      List<Socket> busy = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        busy.add(connect("127.0.0.2", serving));
        busy.get(i).getOutputStream().write(HOLD);
      }
      assertTrue(held.tryAcquire(3, 10, TimeUnit.SECONDS), "the three requests are being served");
      assertEquals(3, serving.connections().serving());
      String refused = readAll(connect("127.0.0.2", serving));
      assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
      assertTrue(refused.contains("Connection: close"), refused);
      assertEquals(1, serving.connections().refused(Bound.PER_CLIENT));
      assertEquals(0, serving.connections().evicted(Bound.PER_CLIENT));
      RawHttp.Reply honest = RawHttp.send(serving.address().getPort(), "GET", "/");
      assertEquals(200, honest.status());
      assertEquals("ok", honest.bodyText());

      // Once a request ends, its connection is idle and makes room again.
      release.countDown();
      assertTrue(readResponseHead(busy.get(0).getInputStream(), "held").startsWith("HTTP/1.1 200 "));
      assertTrue(awaitServing(serving, 0), "the held requests ended");
      connect("127.0.0.2", serving);
      assertEquals(3, awaitOpen(serving, 3));
      assertTrue(awaitEvicted(serving, Bound.PER_CLIENT, 1), "an idle connection made room");
      assertEquals(1, serving.connections().refused(Bound.PER_CLIENT), "admitted, not refused");
    }
  }

  @Test
  void theTotalBoundClosesAnIdleConnectionOfTheBiggestAddressOrRefusesWhenAllServe() throws Exception {
    try (HttpServing serving = serve(bounds(4, 3))) {
      List<Socket> biggest = new ArrayList<>();
      biggest.add(connect("127.0.0.2", serving));
      Socket other = connect("127.0.0.3", serving);
      biggest.add(connect("127.0.0.2", serving));
      biggest.add(connect("127.0.0.2", serving));
      assertEquals(4, awaitOpen(serving, 4));
      RawHttp.Reply honest = RawHttp.send(serving.address().getPort(), "GET", "/");
      assertEquals(200, honest.status());
      // The oldest of 127.0.0.2's idle connections makes room. Which one that is depends on the
      // order in which the I/O threads took the connections up, so count, do not name.
      int closed = 0;
      for (Socket s : biggest) {
        s.setSoTimeout(closed == 0 ? 2_000 : 200);
        closed += closedByServer(s) ? 1 : 0;
      }
      assertEquals(1, closed, "127.0.0.2 has the most connections: one of its idle ones makes room");
      other.setSoTimeout(200);
      assertFalse(closedByServer(other), "127.0.0.3's only connection is kept");
      assertEquals(1, serving.connections().evicted(Bound.TOTAL));

      // Every connection serving a request: nothing to close, the new one is refused.
      for (Socket s : sockets) {
        s.close();
      }
      sockets.clear();
      assertEquals(0, awaitOpen(serving, 0));
      for (String from : new String[] {"127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"}) {
        connect(from, serving).getOutputStream().write(HOLD);
      }
      assertTrue(held.tryAcquire(4, 10, TimeUnit.SECONDS), "the four requests are being served");
      String refused = readAll(connect("127.0.0.1", serving));
      assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
      assertEquals(1, serving.connections().refused(Bound.TOTAL));

      // The load goes away: served at once.
      release.countDown();
      assertTrue(awaitServing(serving, 0), "the held requests ended");
      assertEquals(200, RawHttp.send(serving.address().getPort(), "GET", "/").status());
      assertEquals(2, serving.connections().evicted(Bound.TOTAL));
    }
  }

  @Test
  void idleConnectionsAreClosedAtTheIdleTimeout() throws Exception {
    ConnectionPolicy policy = new ConnectionPolicy(Duration.ofSeconds(1), LONG, LONG, 16, 16, 0);
    try (HttpServing serving = serve(policy)) {
      Socket fresh = connect("127.0.0.1", serving);
      Socket keptAlive = connect("127.0.0.1", serving);
      keptAlive.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String response = readResponseHead(keptAlive.getInputStream(), "ok");
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

  /** Waits (at most 5 s) until {@code n} connections were closed to make room under {@code bound}. */
  private static boolean awaitEvicted(HttpServing serving, Bound bound, long n) throws InterruptedException {
    for (int i = 0; i < 200 && serving.connections().evicted(bound) != n; i++) {
      Thread.sleep(25);
    }
    return serving.connections().evicted(bound) == n;
  }

  /** Waits (at most 5 s) until {@code n} connections serve a request. */
  private static boolean awaitServing(HttpServing serving, int n) throws InterruptedException {
    for (int i = 0; i < 200 && serving.connections().serving() != n; i++) {
      Thread.sleep(25);
    }
    return serving.connections().serving() == n;
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

  /** The status line and headers of a response whose body is {@code body}, which is checked. */
  private static String readResponseHead(InputStream in, String body) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the head: " + head);
      }
      head.append((char) b);
    }
    for (char c : body.toCharArray()) {
      assertEquals(c, in.read(), head.toString());
    }
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
