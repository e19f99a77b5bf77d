package org.distvault.e2e.monitoring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.distvault.e2e.install.ProcessResult;

/**
 * Requests that make a fresh server export every labelled series the dashboard and the alerts
 * query: a hit, a miss, admin calls, a scrub, a garbage collection of the store (a dry run), a backup
 * (beside the data directory), then an offline violation, and a GC of the JVM.
 */
final class ServerTraffic {
  private ServerTraffic() {}

  /** Sends one of each to the server at {@code url} serving {@code data}; leaves it offline. */
  static void oneOfEach(String url, Path data) throws Exception {
    makeTraffic(url, Files.readAllLines(data.resolve("admin.token")).get(0).strip(),
        data.toAbsolutePath().resolveSibling(data.getFileName() + "-backup"));
    runGc(data);
  }

  /** One of each request kind the dashboard's labelled series need. */
  private static void makeTraffic(String url, String token, Path backup) throws Exception {
    byte[] blob = "distvault dashboard test blob\n".repeat(100).getBytes(UTF_8);
    String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(blob));
    HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(url + "api/v1/blobs/sha512/" + sha512))
        .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
    assertEquals(201, put.statusCode(), put.body());
    HttpResponse<byte[]> hit = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "by-hash/sha512/" + sha512)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, hit.statusCode());
    assertArrayEquals(blob, hit.body());
    assertEquals(404, get(url, "distfiles/dashboard-miss-1.0.tar.gz", null).statusCode());
    assertEquals(200, get(url, "api/v1/stats", token).statusCode());
    HttpResponse<String> scrub = send(HttpRequest.newBuilder(URI.create(url + "api/v1/scrub"))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(200, scrub.statusCode(), scrub.body());
    // A dry run of the store's garbage collection, so the panel of the last collection has data.
    HttpResponse<String> gc = send(HttpRequest.newBuilder(URI.create(url + "api/v1/gc"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertEquals(200, gc.statusCode(), gc.body());
    HttpResponse<String> backedUp = send(HttpRequest.newBuilder(URI.create(url + "api/v1/backup"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + backup + "\"}")).build());
    assertEquals(200, backedUp.statusCode(), backedUp.body());
    HttpResponse<String> offline = send(HttpRequest.newBuilder(URI.create(url + "api/v1/mode"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"offline\",\"reason\":\"dashboard test\"}")).build());
    assertEquals(200, offline.statusCode(), offline.body());
    HttpResponse<String> violation = get(url, "pkg/devel/dashboard/dashboard-miss-1.0.tar.gz", null);
    assertEquals(404, violation.statusCode());
    assertTrue(violation.body().startsWith("unknown: "), violation.body());
  }

  /**
   * Asks the server's JVM for a garbage collection (jcmd), so that the GC pause histogram exists,
   * as it does on any server that ran a while.
   */
  private static void runGc(Path data) throws Exception {
    String marker = "--data " + data;
    ProcessHandle jvm = ProcessHandle.current().descendants()
        .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no child JVM serving " + data));
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    ProcessResult r = ProcessResult.run(data.getParent(), jcmd.toString(), Long.toString(jvm.pid()), "GC.run");
    assertEquals(0, r.exit(), r.toString());
  }

  static HttpResponse<String> get(String url, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
