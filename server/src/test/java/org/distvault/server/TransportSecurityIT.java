package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distvault.server.http.AddressRanges;
import org.distvault.server.http.ConnectionPolicy;
import org.distvault.server.http.PemTls;
import org.distvault.server.mode.Mode;
import org.distvault.server.testing.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a certificate of a test CA (made by openssl), the admin API on a listener of its own,
 * and {@code --allow-from}, against real curl, wget and tnftp: a sealed server over TLS serves
 * small and large hits and ranges byte for byte to clients that verify the chain; a client that
 * does not trust the CA is refused by the client; a connection that never starts its handshake is
 * cut; the admin API answers only on its listener; a client outside the allow-list gets a 403 that
 * is counted and is not a violation.
 */
class TransportSecurityIT {
  private static final String SMALL = "plain-1.0.tar.gz";
  private static final String LARGE = "large-2.0.tar.gz";
  private static final byte[] SMALL_BYTES = Catalogue.content(301, 70_000);
  private static final byte[] LARGE_BYTES = Catalogue.content(302, 6 << 20);

  @TempDir static Path dir;
  static TestCa ca;
  static TestServer tls;
  static TestServer restricted;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir.resolve("ca"));
    Exposure exposure = Exposure.DEFAULT.withTls(PemTls.context(ca.serverCert(), ca.serverKey()))
        .withAdminListen("127.0.0.1", 0);
    tls = TestServer.of(DistvaultServer.start(ServerConfig.defaults(dir.resolve("tls")).withPort(0)
        .withMode(Mode.OFFLINE).withConnections(ConnectionPolicy.DEFAULTS.withTimeouts(Duration.ofSeconds(2)))
        .withExposure(exposure)));
    tls.catalogue().present(SMALL, "devel/plain", SMALL_BYTES);
    tls.catalogue().present(LARGE, "devel/large", LARGE_BYTES);
    // 127.0.0.1 is outside the list: every public request of this test is refused.
    restricted = TestServer.of(DistvaultServer.start(ServerConfig.defaults(dir.resolve("restricted")).withPort(0)
        .withMode(Mode.OFFLINE).withExposure(Exposure.DEFAULT.withAdminListen("127.0.0.1", 0)
            .withAllowFrom(AddressRanges.parse("10.0.0.0/8,fd00::/8")))));
    restricted.catalogue().present(SMALL, "devel/plain", SMALL_BYTES);
  }

  @AfterAll
  static void stop() throws IOException {
    for (TestServer s : new TestServer[] {tls, restricted}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static String url(TestServer s, String path) {
    return s.server.baseUri().resolve(path).toString();
  }

  private static String adminUrl(TestServer s, String path) {
    return s.server.adminUri().resolve(path).toString();
  }

  @Test
  void bothListenersSpeakHttpsAndSayWhere() {
    assertEquals("https://127.0.0.1:" + tls.port() + "/", tls.server.baseUri().toString());
    assertTrue(tls.server.adminUri().toString().startsWith("https://127.0.0.1:"), tls.server.adminUri().toString());
    assertTrue(tls.server.adminUri().getPort() != tls.port());
  }

  @Test
  void curlVerifyingTheChainGetsSmallAndLargeHitsAndARange() throws Exception {
    for (String[] c : new String[][] {{"pkg/devel/plain/" + SMALL, SMALL}, {"pkg/devel/large/" + LARGE, LARGE}}) {
      Path out = dir.resolve("curl-" + c[1]);
      Run r = run("curl", "-q", "--silent", "--show-error", "--fail", "--cacert", ca.caCert().toString(),
          "-o", out.toString(), url(tls, c[0]));
      assertEquals(0, r.exit, r.output);
      assertArrayEquals(c[1].equals(SMALL) ? SMALL_BYTES : LARGE_BYTES, Files.readAllBytes(out));
    }
    Path part = dir.resolve("curl-range");
    Run r = run("curl", "-q", "--silent", "--show-error", "--fail", "--cacert", ca.caCert().toString(),
        "-r", "5000000-5000099", "-o", part.toString(), url(tls, "distfiles/" + LARGE));
    assertEquals(0, r.exit, r.output);
    assertArrayEquals(Arrays.copyOfRange(LARGE_BYTES, 5_000_000, 5_000_100), Files.readAllBytes(part));
  }

  @Test
  void wgetVerifyingTheChainGetsTheExactBytes() throws Exception {
    Path out = dir.resolve("wget-" + LARGE);
    Run r = run("wget", "--no-config", "--no-verbose", "--ca-certificate=" + ca.caCert(), "-O", out.toString(),
        url(tls, "pkg/devel/large/" + LARGE));
    assertEquals(0, r.exit, r.output);
    assertArrayEquals(LARGE_BYTES, Files.readAllBytes(out));
  }

  @Test
  void tnftpGetsTheExactBytesOverHttps() throws Exception {
    // tnftp does not verify certificates at all (its manual says so): it gets the bytes encrypted.
    Path out = dir.resolve("tnftp-" + SMALL);
    Run r = run("tnftp", "-o", out.toString(), url(tls, "pkg/devel/plain/" + SMALL));
    assertEquals(0, r.exit, r.output);
    assertArrayEquals(SMALL_BYTES, Files.readAllBytes(out));
  }

  @Test
  void aClientThatDoesNotTrustTheCaRefusesTheServer() throws Exception {
    Run r = run("curl", "-q", "--silent", "--show-error", "--fail", "-o", "/dev/null",
        url(tls, "distfiles/" + SMALL));
    assertEquals(60, r.exit, r.output); // CURLE_PEER_FAILED_VERIFICATION
  }

  @Test
  void aConnectionThatNeverStartsItsHandshakeIsCut() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", tls.port()), 5_000);
      s.setSoTimeout(20_000);
      long start = System.nanoTime();
      InputStream in = s.getInputStream();
      assertEquals(-1, in.read(), "the server closes the silent connection");
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
    }
  }

  @Test
  void theAdminApiAnswersOnlyOnItsOwnListener() throws Exception {
    String auth = "Authorization: Bearer " + tls.token();
    assertEquals(404, curl(auth, url(tls, "api/v1/mode")).status(), "the admin API is not on the public listener");
    Run onAdmin = curl(auth, adminUrl(tls, "api/v1/mode"));
    assertEquals(200, onAdmin.status(), onAdmin.output);
    assertTrue(onAdmin.body().startsWith("{\"mode\":\"offline\""), onAdmin.output);
    // Distfiles are served only on the public listener; /metrics and /healthz on both.
    assertEquals(404, curl(auth, adminUrl(tls, "distfiles/" + SMALL)).status());
    assertTrue(curl(auth, adminUrl(tls, "metrics")).body().contains("distvault_mode"));
    assertTrue(curl(auth, url(tls, "healthz")).body().contains("\"mode\":\"offline\""));
  }

  @Test
  void aClientOutsideTheAllowListGetsACounted403ThatIsNoViolation() throws Exception {
    Run r = curl("X-Test: allow-from", url(restricted, "pkg/devel/plain/" + SMALL));
    assertEquals("forbidden: client address 127.0.0.1 is not in this cache's --allow-from list\n403", r.output);
    // A name the server does not hold: still 403, not a miss, so no violation either.
    assertEquals(403, curl("X-Test: allow-from", url(restricted, "pkg/devel/other/other-1.0.tar.gz")).status());
    String auth = "Authorization: Bearer " + restricted.token();
    String metrics = curl(auth, adminUrl(restricted, "metrics")).body();
    List<String> forbidden = metrics.lines().filter(l -> l.startsWith("distvault_requests_total{")
        && l.contains("outcome=\"forbidden\"")).toList();
    assertEquals(1, forbidden.size(), metrics);
    assertTrue(forbidden.get(0).endsWith(" 2.0"), forbidden.toString());
    Run violations = curl(auth, adminUrl(restricted, "api/v1/violations"));
    assertEquals(200, violations.status(), violations.output);
    assertTrue(violations.body().contains("\"violations\":[]"), violations.output);
  }

  /** curl trusting the test CA, with HEADER: the body, then the status code. */
  private static Run curl(String header, String url) throws Exception {
    return run("curl", "-q", "--silent", "--show-error", "--cacert", ca.caCert().toString(), "-H", header,
        "-w", "%{http_code}", url);
  }

  private record Run(int exit, String output) {
    int status() {
      return Integer.parseInt(output.substring(output.length() - 3));
    }

    String body() {
      return output.substring(0, output.length() - 3);
    }
  }

  private static Run run(String... command) throws Exception {
    List<String> c = new ArrayList<>(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true).directory(dir.toFile());
    for (String proxy : List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")) {
      pb.environment().remove(proxy);
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", c) + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
