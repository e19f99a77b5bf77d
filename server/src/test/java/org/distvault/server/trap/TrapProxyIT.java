package org.distvault.server.trap;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trap proxy against hostile and unusual clients, the allow-list and the bookkeeping: a real
 * server over a real vault, raw sockets on loopback.
 */
class TrapProxyIT {
  @TempDir Path data;

  @Test
  void connectIsRefusedRecordedDurablyAndAnsweredInOneLine() throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      RawProxy.Reply r = RawProxy.send(s.port(), "CONNECT github.com:443 HTTP/1.1\r\nHost: github.com:443\r\n"
          + "User-Agent: cargo/1.80.0\r\n" + RawProxy.auth("devel%2Fcmake") + "\r\n");
      assertEquals(403, r.status(), r.head());
      assertEquals("egress: CONNECT github.com:443 refused (distvault trap proxy; attributed to devel/cmake)\n",
          r.bodyText());
      List<Violation> vs = s.violationsAfter(0);
      assertEquals(1, vs.size(), vs.toString());
      Violation v = vs.get(0);
      assertEquals(ViolationKind.EGRESS, v.kind());
      assertEquals("CONNECT", v.method());
      assertEquals(Optional.of("devel/cmake"), v.pkgpath());
      assertEquals(Optional.of("cargo/1.80.0"), v.userAgent());
      assertEquals("github.com", v.egress().orElseThrow().host());
      assertEquals(443, v.egress().orElseThrow().port());
      assertEquals("CONNECT github.com:443 refused by the trap proxy (offline mode)", v.reason());
      awaitIdle(s); // a connection is counted when its handler is done
      String metrics = s.metrics();
      assertTrue(metrics.contains("distvault_violations_total{kind=\"egress\"} 1.0"), metrics);
      assertTrue(metrics.contains("distvault_trap_requests_total{outcome=\"refused\"} 1.0"), metrics);
    }
  }

  @Test
  void onlineModeRefusesAndRecordsToo() throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.ONLINE, TrapServer.config(AllowList.NONE))) {
      RawProxy.Reply r = RawProxy.send(s.port(), "GET http://user:pw@Example.org:8080/a/b?c=d HTTP/1.1\r\n"
          + "Host: example.org\r\n\r\n");
      assertEquals(403, r.status());
      assertEquals("egress: GET http://example.org:8080/a/b?c=d refused (distvault trap proxy; not attributed: "
          + "no PKGPATH as proxy user name)\n", r.bodyText());
      Violation v = s.violationsAfter(0).get(0);
      assertEquals("online", v.egress().orElseThrow().mode());
      assertEquals(Optional.of("http://example.org:8080/a/b?c=d"), v.egress().orElseThrow().url(),
          "the URL is recorded without the user information");
      assertEquals(8080, v.egress().orElseThrow().port());
      assertEquals(Optional.empty(), v.pkgpath());
      assertEquals(List.of(), v.blamed());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "notapkgpath|the proxy user name is not a PKGPATH (category/package)",
      "devel%2F..|the proxy user name is not a PKGPATH (category/package)",
      "devel%2Fcmake%2Fextra|the proxy user name is not a PKGPATH (category/package)",
      "devel%zz|the proxy user name is not a PKGPATH (category/package)"})
  void badProxyUserIsRecordedUnattributedWithTheReason(String user, String problem) throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      RawProxy.Reply r = RawProxy.send(s.port(), "CONNECT crates.io:443 HTTP/1.1\r\n" + RawProxy.auth(user) + "\r\n");
      assertEquals(403, r.status());
      assertEquals("egress: CONNECT crates.io:443 refused (distvault trap proxy; not attributed: " + problem + ")\n",
          r.bodyText());
      Violation v = s.violationsAfter(0).get(0);
      assertEquals(Optional.empty(), v.pkgpath());
      assertTrue(v.reason().endsWith("(offline mode; " + problem + ")"), v.reason());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "CONNECT github.com HTTP/1.1|400|bad proxy request: no port in 'github.com' (CONNECT takes host:port)",
      "CONNECT github.com:0 HTTP/1.1|400|bad proxy request: port 0 out of range 1-65535 in 'github.com:0'",
      "CONNECT github.com:99999 HTTP/1.1|400|bad proxy request: port 99999 out of range 1-65535 in 'github.com:99999'",
      "CONNECT github.com:https HTTP/1.1|400|bad proxy request: port is not a number in 'github.com:https'",
      "CONNECT :443 HTTP/1.1|400|bad proxy request: malformed host in ':443'",
      "CONNECT [::1 HTTP/1.1|400|bad proxy request: malformed IPv6 address in '[::1'",
      "CONNECT  github.com:443 HTTP/1.1|400|bad proxy request: malformed request line",
      "GARBAGE|400|bad proxy request: malformed request line",
      "GE\u0001T / HTTP/1.1|400|bad proxy request: malformed method",
      "GET http:///distfiles/x.tar.gz HTTP/1.1|400|bad proxy request: absolute URL without a host",
      "GET http://user@/x HTTP/1.1|400|bad proxy request: absolute URL without a host",
      "GET gopher://example.org/x HTTP/1.1|400|bad proxy request: no port in 'gopher://example.org/x' (CONNECT takes host:port)",
      "GET /distfiles/x.tar.gz HTTP/1.1|400|bad proxy request: not a proxy request: 'GET /distfiles/x.tar.gz' (this is distvault's egress trap proxy; it takes CONNECT host:port or absolute URLs)",
      "CONNECT github.com:443 HTTP/2.0|505|bad proxy request: only HTTP/1.0 and HTTP/1.1 are spoken here",
      "PRI * HTTP/2.0|505|bad proxy request: only HTTP/1.0 and HTTP/1.1 are spoken here"})
  void malformedRequestsGetErrorsAndNoViolation(String line, int status, String body) throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      RawProxy.Reply r = RawProxy.send(s.port(), line + "\r\nHost: x\r\n\r\n");
      assertEquals(status, r.status(), r.head());
      assertEquals(body + "\n", r.bodyText());
      assertEquals(0, s.lastCursor(), "no violation for a malformed request");
      awaitIdle(s);
    }
  }

  @Test
  void malformedHeaderLineIsRejected() throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      RawProxy.Reply r = RawProxy.send(s.port(), "CONNECT github.com:443 HTTP/1.1\r\nno colon here\r\n\r\n");
      assertEquals(400, r.status());
      assertEquals("bad proxy request: malformed header line 1\n", r.bodyText());
      assertEquals(0, s.lastCursor());
    }
  }

  @Test
  void headerOverTheLimitGets431() throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      String big = "X-Filler: " + "a".repeat(20 * 1024) + "\r\n";
      RawProxy.Reply r = RawProxy.send(s.port(), "CONNECT github.com:443 HTTP/1.1\r\n" + big + "\r\n");
      assertEquals(431, r.status());
      assertEquals("bad proxy request: request head larger than 16384 bytes\n", r.bodyText());
      assertEquals(0, s.lastCursor());
      awaitIdle(s);
      assertTrue(s.metrics().contains("distvault_trap_requests_total{outcome=\"headers_too_large\"} 1.0"));
    }
  }

  @Test
  void slowlorisIsCutAtTheHeadDeadline() throws Exception {
    TrapConfig config = TrapServer.config(AllowList.NONE).withHeaderDeadline(Duration.ofSeconds(2));
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, config);
        Socket c = new Socket("127.0.0.1", s.port())) {
      c.setSoTimeout(15_000);
      OutputStream out = c.getOutputStream();
      out.write("CONNECT slow.example.org:443 HTTP/1.1\r\n".getBytes(ISO_8859_1));
      out.flush();
      // One byte a second, forever: the proxy must cut it off at its deadline, not wait for the end.
      Thread trickle = new Thread(() -> {
        try {
          for (int i = 0; i < 60; i++) {
            out.write('X');
            out.flush();
            Thread.sleep(1000);
          }
        } catch (IOException | InterruptedException e) {
          // the proxy closed the connection: what this test waits for
        }
      });
      trickle.setDaemon(true);
      trickle.start();
      RawProxy.Reply r = RawProxy.parse(RawProxy.readAll(c.getInputStream()));
      trickle.interrupt();
      assertEquals(408, r.status());
      assertEquals("bad proxy request: request head not complete in time\n", r.bodyText());
      assertEquals(0, s.lastCursor());
      awaitIdle(s);
    }
  }

  @Test
  void connectionsBeyondTheCapGet503AndWorkersReturnToZero() throws Exception {
    TrapConfig config = TrapServer.config(AllowList.NONE).withMaxConnections(4)
        .withHeaderDeadline(Duration.ofSeconds(60));
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, config)) {
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          idle.add(new Socket("127.0.0.1", s.port()));
        }
        await(() -> s.trap.activeConnections() == 4, "4 idle connections held");
        for (int extra = 0; extra < 3; extra++) {
          RawProxy.Reply r = RawProxy.send(s.port(), "CONNECT github.com:443 HTTP/1.1\r\n\r\n");
          assertEquals(503, r.status());
          assertEquals("trap proxy busy: more than 4 connections\n", r.bodyText());
        }
        assertEquals(0, s.lastCursor(), "a refused connection records nothing");
      } finally {
        for (Socket c : idle) {
          c.close();
        }
      }
      awaitIdle(s);
      assertTrue(s.metrics().contains("distvault_trap_requests_total{outcome=\"busy\"} 3.0"), s.metrics());
      // The slots are free again: a request is handled normally.
      assertEquals(403, RawProxy.send(s.port(), "CONNECT github.com:443 HTTP/1.1\r\n\r\n").status());
      awaitIdle(s);
    }
  }

  @Test
  void allowListedEchoServiceIsTunnelledExactlyAndIsNoViolation() throws Exception {
    try (EchoServer echo = new EchoServer();
        TrapServer s = TrapServer.start(data, Mode.OFFLINE,
            TrapServer.config(new AllowList(List.of(AllowList.parseEntry("127.0.0.1:" + echo.port())))))) {
      byte[] payload = new byte[300_000];
      new Random(42).nextBytes(payload);
      byte[] first = "first bytes sent with the CONNECT head".getBytes(ISO_8859_1);
      byte[] back;
      try (Socket c = new Socket("127.0.0.1", s.port())) {
        c.setSoTimeout(15_000);
        OutputStream out = c.getOutputStream();
        InputStream in = c.getInputStream();
        // The first bytes travel in the same write as the head: the proxy must pass them on.
        byte[] head = ("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + RawProxy.auth("devel%2Fdistcc") + "\r\n").getBytes(ISO_8859_1);
        byte[] both = new byte[head.length + first.length];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(first, 0, both, head.length, first.length);
        out.write(both);
        out.flush();
        assertTrue(RawProxy.readHead(in).startsWith("HTTP/1.1 200 Connection established\r\n"));
        Thread writer = new Thread(() -> {
          try {
            out.write(payload);
            c.shutdownOutput();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
        writer.start();
        back = RawProxy.readAll(in);
        writer.join(15_000);
      }
      byte[] expected = new byte[first.length + payload.length];
      System.arraycopy(first, 0, expected, 0, first.length);
      System.arraycopy(payload, 0, expected, first.length, payload.length);
      assertArrayEquals(expected, back);
      assertEquals(0, s.lastCursor(), "an allowed tunnel is no violation");
      awaitIdle(s);
      String metrics = s.metrics();
      assertTrue(metrics.contains("distvault_trap_requests_total{outcome=\"tunnelled\"} 1.0"), metrics);
      assertTrue(metrics.contains("distvault_trap_tunnels_total{result=\"closed\"} 1.0"), metrics);
      assertTrue(metrics.contains("distvault_trap_tunnel_bytes_total{direction=\"up\"} " + (double) expected.length),
          metrics);
      assertTrue(metrics.contains("distvault_trap_tunnel_bytes_total{direction=\"down\"} " + (double) expected.length),
          metrics);
      assertTrue(metrics.contains("distvault_violations_total{kind=\"egress\"} 0.0"), metrics);
    }
  }

  @Test
  void allowListedHostOnAnotherPortOrByPlainHttpIsNotForwarded() throws Exception {
    try (EchoServer echo = new EchoServer();
        TrapServer s = TrapServer.start(data, Mode.OFFLINE,
            TrapServer.config(new AllowList(List.of(AllowList.parseEntry("127.0.0.1:" + echo.port())))))) {
      int other = echo.port() == 65535 ? 65534 : echo.port() + 1;
      RawProxy.Reply refused = RawProxy.send(s.port(), "CONNECT 127.0.0.1:" + other + " HTTP/1.1\r\n\r\n");
      assertEquals(403, refused.status());
      assertEquals(1, s.lastCursor(), "another port of an allowed host is an egress violation");
      RawProxy.Reply plain = RawProxy.send(s.port(), "GET http://127.0.0.1:" + echo.port() + "/x HTTP/1.1\r\n\r\n");
      assertEquals(403, plain.status());
      assertEquals("not forwarded: GET http://127.0.0.1:" + echo.port() + "/x (distvault trap proxy forwards "
          + "allow-listed hosts through CONNECT only; use https or a tunnel)\n", plain.bodyText());
      assertEquals(1, s.lastCursor(), "plain HTTP to an allowed host is refused, not recorded");
      assertEquals(0, echo.accepted.get(), "nothing reached the echo service");
      awaitIdle(s);
    }
  }

  @Test
  void idleTunnelIsClosedByTheProxy() throws Exception {
    try (EchoServer echo = new EchoServer();
        TrapServer s = TrapServer.start(data, Mode.OFFLINE,
            TrapServer.config(new AllowList(List.of(AllowList.parseEntry("127.0.0.1"))))
                .withIdleTimeout(Duration.ofSeconds(1)))) {
      try (Socket c = new Socket("127.0.0.1", s.port())) {
        c.setSoTimeout(15_000);
        c.getOutputStream().write(("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n").getBytes(ISO_8859_1));
        assertTrue(RawProxy.readHead(c.getInputStream()).startsWith("HTTP/1.1 200 "));
        c.getOutputStream().write("ping".getBytes(ISO_8859_1));
        // The echo comes back, then nothing moves: the proxy closes the tunnel (end of stream here).
        assertArrayEquals("ping".getBytes(ISO_8859_1), RawProxy.readAll(c.getInputStream()));
      }
      awaitIdle(s);
      assertTrue(s.metrics().contains("distvault_trap_tunnels_total{result=\"idle_timeout\"} 1.0"), s.metrics());
    }
  }

  @Test
  void unreachableAllowListedHostGets502() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE,
        TrapServer.config(new AllowList(List.of(AllowList.parseEntry("127.0.0.1:" + closedPort)))))) {
      RawProxy.Reply r = RawProxy.send(s.port(), "CONNECT 127.0.0.1:" + closedPort + " HTTP/1.1\r\n\r\n");
      assertEquals(502, r.status());
      assertTrue(r.bodyText().startsWith("cannot reach allow-listed 127.0.0.1:" + closedPort + ": "), r.bodyText());
      assertEquals(0, s.lastCursor());
      awaitIdle(s);
      assertTrue(s.metrics().contains("distvault_trap_tunnels_total{result=\"connect_failed\"} 1.0"), s.metrics());
    }
  }

  @Test
  void reportAndViolationsApiShowEgressPerPackage() throws Exception {
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      RawProxy.send(s.port(), "CONNECT static.crates.io:443 HTTP/1.1\r\n" + RawProxy.auth("devel%2Fcargo-c") + "\r\n");
      RawProxy.send(s.port(), "CONNECT static.crates.io:443 HTTP/1.1\r\n" + RawProxy.auth("devel%2Fcargo-c") + "\r\n");
      RawProxy.send(s.port(), "GET http://proxy.golang.org/x/@v/list HTTP/1.1\r\n" + RawProxy.auth("lang/go") + "\r\n");
      HttpClient http = HttpClient.newHttpClient();
      String base = s.server.baseUri().toString();
      String token = s.server.token().token();
      HttpResponse<String> report = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "api/v1/report?format=text"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, report.statusCode());
      assertTrue(report.body().contains("devel/cargo-c\n  static.crates.io:443  egress  x2  CONNECT static.crates.io:443 "
          + "refused by the trap proxy (offline mode)  [clients: 127.0.0.1]\n"), report.body());
      assertTrue(report.body().contains("lang/go\n  http://proxy.golang.org/x/@v/list  egress  x1  "), report.body());
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "api/v1/violations"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(list.body().contains("\"kind\":\"egress\""), list.body());
      assertTrue(list.body().contains("\"host\":\"proxy.golang.org\",\"port\":80,"
          + "\"url\":\"http://proxy.golang.org/x/@v/list\",\"mode\":\"offline\""), list.body());
      assertTrue(list.body().contains("\"host\":\"static.crates.io\",\"port\":443,\"url\":null,\"mode\":\"offline\""),
          list.body());
    }
  }

  @Test
  void closingTheServerEndsOpenTunnelsAndSlowClients() throws Exception {
    EchoServer echo = new EchoServer();
    TrapServer s = TrapServer.start(data, Mode.OFFLINE,
        TrapServer.config(new AllowList(List.of(AllowList.parseEntry("127.0.0.1")))).withHeaderDeadline(Duration.ofSeconds(60)));
    try (echo; Socket tunnel = new Socket("127.0.0.1", s.port()); Socket slow = new Socket("127.0.0.1", s.port())) {
      tunnel.setSoTimeout(30_000);
      slow.setSoTimeout(30_000);
      tunnel.getOutputStream().write(("CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\n\r\n").getBytes(ISO_8859_1));
      assertTrue(RawProxy.readHead(tunnel.getInputStream()).startsWith("HTTP/1.1 200 "));
      slow.getOutputStream().write("CONNECT a".getBytes(ISO_8859_1));
      await(() -> s.trap.activeConnections() == 2, "a tunnel and a slow client held");
      s.close();
      assertEquals(-1, tunnel.getInputStream().read(), "the tunnel was closed by the shutdown");
      assertEquals(0, s.trap.activeConnections());
      assertEquals(0, s.trap.activeThreads());
    }
  }

  /** Waits (bounded) until the proxy holds no connection and no thread. */
  private static void awaitIdle(TrapServer s) throws InterruptedException {
    await(() -> s.trap.activeConnections() == 0 && s.trap.activeThreads() == 0, "the trap proxy idle");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    fail("not reached within 20 s: " + what);
  }
}
