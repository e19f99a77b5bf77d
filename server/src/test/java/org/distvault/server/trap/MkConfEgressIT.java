package org.distvault.server.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/pkgsrc/mk.conf.egress read by bmake the way pkgsrc reads mk.conf (PKGPATH already set),
 * and its ALL_ENV handed to curl, wget and git as pkgsrc hands it to a build: each attempt reaches
 * the trap attributed to the package.
 */
class MkConfEgressIT {
  /** The fragment, from the server module's directory (where Maven runs the tests). */
  static final Path FRAGMENT = Path.of("..", "ops", "pkgsrc", "mk.conf.egress").toAbsolutePath().normalize();

  @TempDir Path data;
  @TempDir Path work;

  @Test
  void fragmentRoutesBuildDownloadsToTheTrapAttributedToThePackage() throws Exception {
    assertTrue(Files.isRegularFile(FRAGMENT), FRAGMENT.toString());
    try (TrapServer s = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE))) {
      Files.writeString(work.resolve("Makefile"), String.join("\n",
          "PKGPATH=\tdevel/cmake",
          "DISTVAULT_TRAP=\t127.0.0.1:" + s.port(),
          ".include \"" + FRAGMENT + "\"",
          "build:",
          "\t-env ${ALL_ENV} curl -sS --fail -o /dev/null https://cmake.org/files/v3.27/cmake-3.27.9.tar.gz",
          "\t-env ${ALL_ENV} curl -sS --fail -o /dev/null http://ftp.gnu.org/gnu/m4/m4-1.4.19.tar.xz",
          "\t-env ${ALL_ENV} wget -q --tries=1 -O /dev/null https://github.com/Kitware/CMake/archive/v3.27.9.tar.gz",
          "\t-env ${ALL_ENV} GIT_TERMINAL_PROMPT=0 git clone -q https://gitlab.kitware.com/cmake/cmake.git "
              + work.resolve("clone"),
          "\t@env ${ALL_ENV} sh -c 'echo no_proxy=$$no_proxy'",
          ""));
      ClientRun run = ClientRun.of(work, Map.of(), List.of("bmake", "-f", work.resolve("Makefile").toString(), "build"));
      assertEquals(0, run.exit(), run.output()); // every failed download is "-"-ignored; bmake itself succeeds
      assertTrue(run.output().contains("no_proxy=localhost,127.0.0.1,::1"), run.output());
      List<Violation> vs = s.violationsAfter(0);
      assertEquals(List.of("CONNECT cmake.org:443", "GET ftp.gnu.org:80", "CONNECT github.com:443",
          "CONNECT gitlab.kitware.com:443"),
          vs.stream().map(v -> v.method() + " " + v.egress().orElseThrow().authority()).toList(), run.output());
      for (Violation v : vs) {
        assertEquals(Optional.of("devel/cmake"), v.pkgpath(), v.toString());
      }
      assertNotEquals(Optional.empty(), vs.get(1).egress().orElseThrow().url());
      // Each attempt counts as refused, also when the client hung up right after reading the 403.
      for (int i = 0; i < 400 && s.trap.activeConnections() > 0; i++) {
        Thread.sleep(50);
      }
      assertTrue(s.metrics().contains("distvault_trap_requests_total{outcome=\"refused\"} 4.0"), s.metrics());
    }
  }
}
