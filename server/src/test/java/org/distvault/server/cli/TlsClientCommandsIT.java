package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distvault.server.DistvaultServer;
import org.distvault.server.Exposure;
import org.distvault.server.ServerConfig;
import org.distvault.server.http.PemTls;
import org.distvault.server.testing.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands against a server with HTTPS and the admin API on its own listener: with
 * {@code --ca-file} they work through the admin listener (a read, a state change, a prefetch that
 * uploads over TLS); without it the handshake fails naming the flag; the public listener has no
 * admin API.
 */
class TlsClientCommandsIT {
  @TempDir static Path dir;
  static TestCa ca;
  static DistvaultServer server;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir.resolve("ca"));
    server = DistvaultServer.start(ServerConfig.defaults(dir.resolve("data")).withPort(0)
        .withExposure(Exposure.DEFAULT.withTls(PemTls.context(ca.serverCert(), ca.serverKey()))
            .withAdminListen("127.0.0.1", 0)));
    token = server.config().tokenFile().toString();
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static CliRun admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server.adminUri().toString(), "--token-file", token,
        "--ca-file", ca.caCert().toString()));
    return CliRun.of(all.toArray(new String[0]));
  }

  @Test
  void commandsWorkThroughTheAdminListenerWithTheCaFile() throws Exception {
    CliRun mode = admin("mode");
    assertEquals(0, mode.code(), mode.toString());
    assertTrue(mode.out().contains("online"), mode.toString());

    // A prefetch uploads its blob over TLS: a distfile from a file:// mirror.
    Path mirror = Files.createDirectories(dir.resolve("mirror"));
    byte[] content = "a distfile sent over TLS\n".getBytes(StandardCharsets.UTF_8);
    Files.write(mirror.resolve("tls-1.0.tar.gz"), content);
    Path distinfo = dir.resolve("tree/devel/tls/distinfo");
    PrefetchCommandIT.writeDistinfo(distinfo, Map.of("tls-1.0.tar.gz", content));
    CliRun prefetch = admin("prefetch", "--distinfo", dir.resolve("tree").toString(),
        "--site", mirror.toUri().toString(), "--report", dir.resolve("report.json").toString());
    assertEquals(0, prefetch.code(), prefetch.toString());
    assertTrue(server.vault().stats().blobs() >= 1, prefetch.toString());

    CliRun sets = admin("sets");
    assertEquals(0, sets.code(), sets.toString());
    assertTrue(sets.out().contains("default\tfilling\t1\t1\t0\t"), sets.toString());
  }

  @Test
  void withoutTheCaFileTheHandshakeFailsNamingTheFlag() {
    CliRun r = CliRun.of("mode", "--server", server.adminUri().toString(), "--token-file", token);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("the TLS handshake with " + server.adminUri() + " failed"), r.toString());
    assertTrue(r.err().contains("(a certificate of a private CA needs --ca-file)"), r.toString());
  }

  @Test
  void theCaFileIsCheckedBeforeAnyRequest() {
    CliRun http = CliRun.of("mode", "--server", "http://127.0.0.1:1/", "--token-file", token,
        "--ca-file", ca.caCert().toString());
    assertEquals(2, http.code(), http.toString());
    assertTrue(http.err().contains("--ca-file needs an https:// --server, got 'http://127.0.0.1:1/'"), http.toString());
    CliRun notPem = CliRun.of("mode", "--server", server.adminUri().toString(), "--token-file", token,
        "--ca-file", token);
    assertEquals(2, notPem.code(), notPem.toString());
    assertTrue(notPem.err().contains("--ca-file " + token + ": no certificate (expected PEM: "
        + "-----BEGIN CERTIFICATE-----)"), notPem.toString());
  }

  @Test
  void thePublicListenerHasNoAdminApi() {
    CliRun r = CliRun.of("mode", "--server", server.baseUri().toString(), "--token-file", token,
        "--ca-file", ca.caCert().toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("404"), r.toString());
  }
}
