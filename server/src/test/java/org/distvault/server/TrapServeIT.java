package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code distvault serve --trap-proxy} in a child JVM: the banner line, a refused curl, the record. */
class TrapServeIT {
  private static final Pattern TRAP_LINE = Pattern.compile("^trap proxy http://127\\.0\\.0\\.1:(\\d+)/$");

  @TempDir Path data;
  @TempDir Path scratch;

  @Test
  void serveRunsTheTrapProxyAndPrintsItAfterTheBanner() throws Exception {
    try (ChildServer child = ChildServer.start(data, scratch, "--mode", "offline", "--trap-proxy", "127.0.0.1:0",
        "--trap-allow", "distcc1.example.org:3632")) {
      assertEquals(4, child.stdout.size(), child.stdout.toString());
      assertTrue(child.stdout.get(3).startsWith("MASTER_SITE_OVERRIDE= "), child.stdout.toString());
      String line = child.readLine();
      Matcher m = TRAP_LINE.matcher(line);
      assertTrue(m.matches(), line);
      int trapPort = Integer.parseInt(m.group(1));

      Process curl = new ProcessBuilder("curl", "-sS", "--fail", "-o", "/dev/null",
          "--proxy", "http://devel%2Fcmake:egress@127.0.0.1:" + trapPort, "https://cmake.org/files/x.tar.gz")
          .redirectErrorStream(true).start();
      assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "curl did not exit within 60 s");
      assertNotEquals(0, curl.exitValue());

      String token = Files.readAllLines(data.resolve("admin.token")).get(0);
      HttpResponse<String> list = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(child.base() + "/api/v1/violations"))
              .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, list.statusCode());
      assertTrue(list.body().contains("\"kind\":\"egress\",\"path\":\"cmake.org:443\",\"name\":\"cmake.org:443\","
          + "\"pkgpath\":\"devel/cmake\""), list.body());
      assertEquals(143, child.terminate(), child.stderr());
      assertTrue(child.stderr().contains("trap proxy listening on http://127.0.0.1:" + trapPort
          + "/; allowed through CONNECT: distcc1.example.org:3632"), child.stderr());
    }
  }
}
