package org.distvault.e2e.buildhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distvault.e2e.Exec;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.StaticFileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ops/firewall/distvault-lockcheck} on loopback: usage errors, and the three verdicts
 * (closed, open, cache silent) with the real cache and a local "upstream". The verdicts inside
 * real network namespaces are proven by the netns test.
 */
class DistvaultLockcheckTest {
  @TempDir Path dir;

  static Exec lockcheck(List<String> args) {
    List<String> command = new ArrayList<>(
        List.of("/bin/sh", OpsPaths.ops().resolve("firewall/distvault-lockcheck").toString()));
    command.addAll(args);
    return Exec.of(command).timeout(Duration.ofSeconds(60));
  }

  static List<Arguments> badUsage() {
    return List.of(
        Arguments.of(List.of(), "--cache URL is required"),
        Arguments.of(List.of("--cache", "http://c:1/"), "--upstream URL is required"),
        Arguments.of(List.of("--upstream", "http://u/"), "--cache URL is required"),
        Arguments.of(List.of("--cache", "http://c:1/", "--upstream", "http://u/", "--verbose"),
            "unknown argument: --verbose"),
        Arguments.of(List.of("--cache", "http://c:1/", "--upstream"), "--upstream needs a value"),
        Arguments.of(List.of("--cache", "c:1", "--upstream", "http://u/"), "not an http(s) or ftp URL: c:1"),
        Arguments.of(List.of("--cache", "http://c:1/", "--upstream", "http://u/", "--timeout", "0"),
            "--timeout must be a positive number of seconds: 0"));
  }

  @ParameterizedTest
  @MethodSource("badUsage")
  void badUsageExitsTwoWithTheReasonAndUsage(List<String> args, String message) throws Exception {
    Exec.Result r = lockcheck(args).run();
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.stderr().startsWith("distvault-lockcheck: " + message + "\n"), r.stderr());
    assertTrue(r.stderr().contains("usage: distvault-lockcheck --cache URL --upstream URL"), r.stderr());
  }

  private static String closedPortUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort() + "/pub/pkgsrc/distfiles/";
    }
  }

  @Test
  void verdictsForClosedOpenAndSilentCache() throws Exception {
    try (JarServer cache = JarServer.start(dir.resolve("data"), dir);
        StaticFileServer upstream = StaticFileServer.start(dir)) {
      String unreachable = closedPortUrl();

      Exec.Result closed = lockcheck(List.of("--cache", cache.url(), "--upstream", unreachable)).run();
      assertEquals(0, closed.exit(), closed.toString());
      assertTrue(closed.stdout().contains("cache " + cache.url() + "healthz: HTTP 200"), closed.stdout());
      assertTrue(closed.stdout().contains("upstream " + unreachable + ": blocked: no answer"), closed.stdout());
      assertTrue(closed.stdout().endsWith("OK: the cache answers and upstream is unreachable from this host\n"),
          closed.stdout());

      // Upstream answers 404 for this path: still an answer, so the lock is open.
      String reachable = upstream.url() + "pub/pkgsrc/distfiles/nothing.tar.gz";
      Exec.Result open = lockcheck(List.of("--cache", cache.url(), "--upstream", reachable)).run();
      assertEquals(1, open.exit(), open.toString());
      assertTrue(open.stderr().contains("LOCK IS OPEN: this host reached " + reachable + " directly (HTTP 404)"),
          open.stderr());
      assertEquals(List.of("127.0.0.1 GET /pub/pkgsrc/distfiles/nothing.tar.gz 404"), upstream.requests());

      Exec.Result silent = lockcheck(List.of("--cache", closedPortUrl(), "--upstream", unreachable)).run();
      assertEquals(1, silent.exit(), silent.toString());
      assertTrue(silent.stderr().contains("FAIL: the cache does not answer"), silent.stderr());
    }
  }
}
