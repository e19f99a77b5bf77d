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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.distvault.e2e.JarServer;
import org.distvault.storage.s3.S3Server;

/**
 * The object-store half of the monitoring tests: a real S3 server (s3proxy), a primary jar with
 * {@code --blob-store} that is filled through the admin API and seals set {@value #SET} (which
 * publishes it), then stops; and a replica jar ({@code --replica-of}, {@code --poll 1}) serving
 * that seal through a small cache tier. Credentials reach both jars as an operator gives them,
 * in AWS_* variables. Close it to stop the replica and s3proxy.
 */
final class ReplicaOnS3 implements AutoCloseable {
  static final String SET = "dashboard";
  private static final String BUCKET = "distvault-monitoring";
  private static final String LOCATION = "s3://" + BUCKET + "/cache";
  /** Three blobs of this size; the replica's tier holds one of them (two would exceed its bound). */
  private static final int BLOB_SIZE = 600_000;
  private static final Map<String, String> CREDENTIALS = Map.of(
      "AWS_ACCESS_KEY_ID", S3Server.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3Server.CREDENTIAL);

  private final S3Server s3;
  private final JarServer replica;
  private final List<byte[]> blobs;

  private ReplicaOnS3(S3Server s3, JarServer replica, List<byte[]> blobs) {
    this.s3 = s3;
    this.replica = replica;
    this.blobs = blobs;
  }

  /** Starts s3proxy, fills and seals the set on a primary, and starts the replica; all under {@code dir}. */
  static ReplicaOnS3 start(Path dir) throws Exception {
    S3Server s3 = S3Server.start(Files.createDirectories(dir.resolve("s3")));
    try {
      s3.createBucket(BUCKET);
      List<byte[]> blobs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        byte[] b = new byte[BLOB_SIZE];
        new Random(40 + i).nextBytes(b);
        blobs.add(b);
      }
      Path primaryData = dir.resolve("primary");
      try (JarServer primary = JarServer.start(primaryData, dir, CREDENTIALS, s3Flags(s3, "--blob-store",
          dir.resolve("primary-tier"), "4M").toArray(String[]::new))) {
        String token = Files.readAllLines(primaryData.resolve("admin.token")).get(0).strip();
        StringBuilder manifest = new StringBuilder();
        StringBuilder outcomes = new StringBuilder();
        for (int i = 0; i < blobs.size(); i++) {
          String sha512 = sha512(blobs.get(i));
          send(primary.url(), "api/v1/blobs/sha512/" + sha512, token, "PUT", blobs.get(i), 201);
          String entry = "{\"name\":\"" + name(i) + "\",\"pkgpaths\":[\"" + pkgpath(i) + "\"],\"digests\":{\"SHA512\":\""
              + sha512 + "\"}";
          manifest.append(entry).append(",\"size\":").append(BLOB_SIZE).append(",\"urls\":[]}\n");
          outcomes.append(entry).append(",\"status\":\"ok\",\"sha512\":\"").append(sha512).append("\"}\n");
        }
        send(primary.url(), "api/v1/sets/" + SET + "/manifest", token, "POST", manifest.toString().getBytes(UTF_8), 200);
        send(primary.url(), "api/v1/sets/" + SET + "/outcomes", token, "POST", outcomes.toString().getBytes(UTF_8), 200);
        send(primary.url(), "api/v1/sets/" + SET + "/state", token, "PUT", "{\"state\":\"sealed\"}".getBytes(UTF_8), 200);
      }
      List<String> args = new ArrayList<>(s3Flags(s3, "--replica-of", dir.resolve("replica-tier"), "1M"));
      args.addAll(List.of("--set", SET, "--poll", "1"));
      JarServer replica = JarServer.start(dir.resolve("replica"), dir, CREDENTIALS, args.toArray(String[]::new));
      return new ReplicaOnS3(s3, replica, blobs);
    } catch (Exception | AssertionError e) {
      s3.close();
      throw e;
    }
  }

  /** The replica's base URL. */
  String url() {
    return replica.url();
  }

  /**
   * On the replica: a tier miss (filled from the bucket), a tier hit, a second fill that evicts
   * the first; then the S3 server stops, and a blob not in the tier is answered 503 (a backend
   * error, op {@code get}) while the polls of the seal fail (op {@code seal-poll}).
   */
  void traffic() throws Exception {
    assertServed(0);
    assertServed(0);
    assertServed(1);
    s3.stop();
    HttpResponse<String> down = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(replica.url() + path(2))).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(503, down.statusCode(), down.body());
  }

  private void assertServed(int i) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(replica.url() + path(i))).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), path(i));
    assertArrayEquals(blobs.get(i), r.body(), path(i));
  }

  @Override
  public void close() {
    try {
      replica.close();
    } finally {
      s3.close();
    }
  }

  private static List<String> s3Flags(S3Server s3, String flag, Path tier, String size) {
    return List.of(flag, LOCATION, "--s3-endpoint", s3.endpoint().toString(), "--s3-region", S3Server.REGION.id(),
        "--s3-path-style", "--cache-dir", tier.toString(), "--cache-size", size);
  }

  private static String name(int i) {
    return "tier" + i + "-1.0.tar.gz";
  }

  private static String pkgpath(int i) {
    return "devel/tier" + i;
  }

  private static String path(int i) {
    return "set/" + SET + "/pkg/" + pkgpath(i) + "/" + name(i);
  }

  private static String sha512(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(b));
  }

  private static void send(String url, String path, String token, String method, byte[] body, int expected)
      throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60))
        .header("Content-Type", path.endsWith("/state") ? "application/json"
            : path.startsWith("api/v1/blobs/") ? "application/octet-stream" : "application/x-ndjson")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == expected, method + " " + path + ": " + r.statusCode() + " " + r.body());
  }
}
