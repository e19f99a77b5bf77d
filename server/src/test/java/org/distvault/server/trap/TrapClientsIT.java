package org.distvault.server.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real download clients pointed at the trap proxy through their standard proxy settings, with the
 * PKGPATH as the proxy user name: each attempt fails fast (the client exits non-zero within a
 * bounded wait) and is recorded exactly once as an egress violation with the right target, method,
 * PKGPATH, client address and User-Agent (pip and npm send none with {@code CONNECT}). No request
 * ever leaves the machine: the proxy forwards nothing, so the example.org names are never resolved.
 * The environment is what ops/pkgsrc/mk.conf.egress exports, including {@code
 * GIT_HTTP_PROXY_AUTHMETHOD=basic} (git otherwise waits for a 407 challenge before it sends
 * credentials, and the trap never challenges).
 */
class TrapClientsIT {
  @TempDir static Path data;
  @TempDir static Path work;
  static TrapServer server;

  @BeforeAll
  static void start() throws IOException {
    server = TrapServer.start(data, Mode.OFFLINE, TrapServer.config(AllowList.NONE));
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  @Test
  void curlHttpUrlIsRecordedWithItsUrl() throws Exception {
    long cursor = server.lastCursor();
    ClientRun run = ClientRun.of(work, Map.of("http_proxy", server.proxyUrl("www/curl")),
        List.of("curl", "-sS", "--fail", "-o", "/dev/null", "http://ftp.example.org/pub/foo-1.0.tar.gz"));
    assertNotEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("403"), run.output());
    Violation v = one(cursor);
    assertEgress(v, "GET", "ftp.example.org", 80, Optional.of("http://ftp.example.org/pub/foo-1.0.tar.gz"), "www/curl",
        Optional.of("curl/"));
    assertEquals("http://ftp.example.org/pub/foo-1.0.tar.gz", v.path());
  }

  @Test
  void curlHttpsUrlIsRecordedAsConnect() throws Exception {
    long cursor = server.lastCursor();
    ClientRun run = ClientRun.of(work, Map.of("https_proxy", server.proxyUrl("www/curl")),
        List.of("curl", "-sS", "--fail", "-o", "/dev/null", "https://github.com/curl/curl/archive/v8.tar.gz"));
    assertNotEquals(0, run.exit(), run.output());
    Violation v = one(cursor);
    assertEgress(v, "CONNECT", "github.com", 443, Optional.empty(), "www/curl", Optional.of("curl/"));
    assertEquals("github.com:443", v.path());
    assertEquals("github.com:443", v.name());
  }

  @Test
  void wgetIsRecorded() throws Exception {
    long cursor = server.lastCursor();
    ClientRun run = ClientRun.of(work, Map.of("https_proxy", server.proxyUrl("net/wget")),
        List.of("wget", "--tries=1", "-O", work.resolve("wget.out").toString(), "https://downloads.example.org/x.tgz"));
    assertNotEquals(0, run.exit(), run.output());
    assertEgress(one(cursor), "CONNECT", "downloads.example.org", 443, Optional.empty(), "net/wget", Optional.of("Wget/"));
  }

  @Test
  void gitCloneIsRecorded() throws Exception {
    long cursor = server.lastCursor();
    ClientRun run = ClientRun.of(work,
        Map.of("https_proxy", server.proxyUrl("devel/git-base"), "GIT_TERMINAL_PROMPT", "0",
            "GIT_CONFIG_NOSYSTEM", "1", "GIT_HTTP_PROXY_AUTHMETHOD", "basic"),
        List.of("git", "clone", "-q", "https://git.example.org/upstream/project.git", work.resolve("clone").toString()));
    assertNotEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("CONNECT tunnel failed, response 403"), run.output());
    assertEgress(one(cursor), "CONNECT", "git.example.org", 443, Optional.empty(), "devel/git-base", Optional.of("git/"));
  }

  @Test
  void pipDownloadIsRecorded() throws Exception {
    long cursor = server.lastCursor();
    Path pip = pip();
    Map<String, String> env = new java.util.HashMap<>(Map.of("https_proxy", server.proxyUrl("lang/py-pip"),
        "PIP_NO_INPUT", "1", "PIP_CONFIG_FILE", "/dev/null"));
    if (pip.getParent().getFileName().toString().equals("shims")) {
      env.put("PYENV_ROOT", pip.getParent().getParent().toString()); // HOME is the test's directory
    }
    ClientRun run = ClientRun.of(work, env, List.of(pip.toString(), "download", "--no-deps", "--disable-pip-version-check",
        "--no-cache-dir", "--index-url", "https://pypi.example.org/simple", "--retries", "0", "--timeout", "5",
        "-d", work.resolve("pip").toString(), "distvault-trap-probe"));
    assertNotEquals(0, run.exit(), run.output());
    assertEgress(one(cursor), "CONNECT", "pypi.example.org", 443, Optional.empty(), "lang/py-pip", Optional.empty());
  }

  @Test
  void npmViewIsRecorded() throws Exception {
    long cursor = server.lastCursor();
    String proxy = server.proxyUrl("lang/nodejs");
    ClientRun run = ClientRun.of(work,
        Map.of("https_proxy", proxy, "npm_config_proxy", proxy, "npm_config_https_proxy", proxy),
        List.of("npm", "view", "left-pad", "version", "--registry", "https://registry.example.org/",
            "--fetch-retries=0", "--no-update-notifier", "--no-audit", "--cache", work.resolve("npm-cache").toString()));
    assertNotEquals(0, run.exit(), run.output());
    assertEgress(one(cursor), "CONNECT", "registry.example.org", 443, Optional.empty(), "lang/nodejs", Optional.empty());
  }

  /** The one violation recorded after {@code cursor}. */
  private static Violation one(long cursor) {
    List<Violation> after = server.violationsAfter(cursor);
    assertEquals(1, after.size(), "violations after " + cursor + ": " + after);
    return after.get(0);
  }

  private static void assertEgress(Violation v, String method, String host, int port, Optional<String> url,
      String pkgpath, Optional<String> userAgentPrefix) {
    assertEquals(ViolationKind.EGRESS, v.kind(), v.toString());
    assertEquals(method, v.method(), v.toString());
    assertEquals(host, v.egress().orElseThrow().host(), v.toString());
    assertEquals(port, v.egress().orElseThrow().port(), v.toString());
    assertEquals(url, v.egress().orElseThrow().url(), v.toString());
    assertEquals("offline", v.egress().orElseThrow().mode(), v.toString());
    assertEquals(Optional.of(pkgpath), v.pkgpath(), v.toString());
    assertEquals(List.of(pkgpath), v.blamed(), v.toString());
    assertEquals("127.0.0.1", v.client(), v.toString());
    if (userAgentPrefix.isPresent()) {
      assertTrue(v.userAgent().orElse("").startsWith(userAgentPrefix.get()), v.toString());
    } else {
      assertEquals(Optional.empty(), v.userAgent(), v.toString());
    }
  }

  /** {@code pip3} from the PATH (a pyenv shim here), else Debian's. */
  private static Path pip() {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      Path p = Path.of(dir, "pip3");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of("/usr/bin/pip3");
  }
}
