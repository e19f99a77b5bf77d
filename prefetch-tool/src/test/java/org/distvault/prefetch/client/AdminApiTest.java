package org.distvault.prefetch.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AdminApi.sendFile against a real HTTP server on 127.0.0.1. */
@Timeout(60)
class AdminApiTest {
  @TempDir Path tmp;
  private HttpServer server;
  private AdminApi api;
  /** What the next request is answered with: status and body. */
  private volatile int status = 200;
  private volatile String error;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    api = new AdminApi(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "tok",
        Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Reads the whole body and answers with its SHA-256, size and the headers that matter here. */
  private void handle(HttpExchange ex) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = 0;
    byte[] buf = new byte[65536];
    try (InputStream in = ex.getRequestBody()) {
      for (int n; (n = in.read(buf)) > 0; size += n) {
        sha.update(buf, 0, n);
      }
    }
    String reply = error != null ? "{\"error\":\"" + error + "\"}"
        : AdminApi.JSON.createObjectNode()
            .put("sha256", HexFormat.of().formatHex(sha.digest()))
            .put("size", size)
            .put("contentLength", ex.getRequestHeaders().getFirst("Content-Length"))
            .put("contentType", ex.getRequestHeaders().getFirst("Content-Type"))
            .put("digests", ex.getRequestHeaders().getFirst("X-Distvault-Digests"))
            .put("authorization", ex.getRequestHeaders().getFirst("Authorization"))
            .toString();
    byte[] out = reply.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  private Path file(String name, int size) throws IOException {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return Files.write(tmp.resolve(name), b);
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  @Test
  void anHttpServersClientHasATlsContextThatTrustsNothingAndNeedsNoCaStore() throws Exception {
    SSLContext plain = api.http().sslContext();
    assertNotSame(SSLContext.getDefault(), plain);
    assertTrue(plain.createSSLEngine().getSupportedProtocols().length > 0);
    CertificateException refused = assertThrows(CertificateException.class,
        () -> NoTls.TRUSTING_NONE.checkServerTrusted(new X509Certificate[0], "RSA"));
    assertEquals("this client trusts no certificate: it talks to an http:// server only", refused.getMessage());
    assertEquals(0, NoTls.TRUSTING_NONE.getAcceptedIssuers().length);
    // https without a CA file: the JVM's default; with one: exactly that context.
    AdminApi https = new AdminApi(URI.create("https://127.0.0.1:1/"), "tok", Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertSame(SSLContext.getDefault(), https.http().sslContext());
    SSLContext own = SSLContext.getInstance("TLS");
    own.init(null, null, null);
    AdminApi withCa = new AdminApi(URI.create("https://127.0.0.1:1/"), "tok", Duration.ofSeconds(1), Duration.ofSeconds(1),
        Optional.of(own));
    assertSame(own, withCa.http().sslContext());
    // And the plain client still talks to its server.
    assertEquals("Bearer tok", api.get("api/v1/mode").path("authorization").asText());
  }

  @Test
  void aMultiMegabyteFileArrivesIntactWithItsHeaders() throws Exception {
    // Not a multiple of the read size, so the last read is a short one.
    Path f = file("big.bin", 5 * FileBody.CHUNK + 12_345);
    JsonNode r = api.sendFile("PUT", "api/v1/blobs/sha512/ab", "application/octet-stream", f,
        Map.of("X-Distvault-Digests", "sha256=cd"));
    assertEquals(sha256(f), r.path("sha256").asText());
    assertEquals(Files.size(f), r.path("size").asLong());
    assertEquals(Long.toString(Files.size(f)), r.path("contentLength").asText(), "a fixed length, not chunked");
    assertEquals("application/octet-stream", r.path("contentType").asText());
    assertEquals("sha256=cd", r.path("digests").asText());
    assertEquals("Bearer tok", r.path("authorization").asText());
  }

  @Test
  void smallAndEmptyFilesAndOneConnectionForManyUploads() throws Exception {
    for (int size : new int[] {0, 1, FileBody.CHUNK, 40_000}) {
      Path f = file("f" + size, size);
      for (int i = 0; i < 3; i++) {
        JsonNode r = api.sendFile("PUT", "api/v1/blobs/x", "application/octet-stream", f, Map.of());
        assertEquals(sha256(f), r.path("sha256").asText(), "size " + size);
        assertEquals(size, r.path("size").asLong());
      }
    }
  }

  @Test
  void aClientErrorNamesTheRouteTheStatusAndTheReason() throws Exception {
    status = 409;
    error = "the store is frozen";
    Path f = file("big.bin", 3 << 20);
    AdminApiException e = assertThrows(AdminApiException.class,
        () -> api.sendFile("PUT", "api/v1/blobs/sha512/ab", "application/octet-stream", f, Map.of()));
    assertEquals(409, e.status());
    assertEquals("PUT /api/v1/blobs/sha512/ab", e.request());
    assertEquals("PUT /api/v1/blobs/sha512/ab: HTTP 409: the store is frozen", e.getMessage());
  }

  @Test
  void aMissingFileIsNamed() {
    Path f = tmp.resolve("gone.bin");
    IOException e = assertThrows(IOException.class,
        () -> api.sendFile("PUT", "api/v1/blobs/x", "application/octet-stream", f, Map.of()));
    assertTrue(e.getMessage().startsWith("cannot read " + f), e.getMessage());
  }

  @Test
  void aFileShorterThanItsSizeFailsTheRequest() throws Exception {
    Path f = file("short.bin", 1000);
    HttpRequest r = HttpRequest.newBuilder(api.base().resolve("x")).PUT(FileBody.of(f, 2000)).build();
    IOException e = assertThrows(IOException.class,
        () -> HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.discarding()));
    assertTrue(e.getMessage().contains("ended after 1000 of 2000 bytes"), e.toString());
  }

  @Test
  void theBodyIsReadOnlyAsItIsAskedFor() throws Exception {
    Path f = file("big.bin", 3 * FileBody.CHUNK + 7);
    List<ByteBuffer> got = new ArrayList<>();
    Flow.Subscription[] sub = new Flow.Subscription[1];
    boolean[] complete = new boolean[1];
    FileBody.of(f, Files.size(f)).subscribe(new Flow.Subscriber<>() {
      @Override public void onSubscribe(Flow.Subscription s) {
        sub[0] = s;
      }

      @Override public void onNext(ByteBuffer b) {
        got.add(b);
      }

      @Override public void onError(Throwable t) {
        throw new AssertionError(t);
      }

      @Override public void onComplete() {
        complete[0] = true;
      }
    });
    assertTrue(got.isEmpty(), "nothing read before it is asked for");
    sub[0].request(1);
    assertEquals(1, got.size());
    assertEquals(FileBody.CHUNK, got.get(0).remaining());
    sub[0].request(10);
    assertTrue(complete[0]);
    assertEquals(4, got.size());
    ByteBuffer all = ByteBuffer.allocate((int) Files.size(f));
    got.forEach(all::put);
    assertArrayEquals(Files.readAllBytes(f), all.array());
  }
}
