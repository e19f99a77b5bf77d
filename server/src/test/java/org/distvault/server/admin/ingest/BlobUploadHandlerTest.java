package org.distvault.server.admin.ingest;

import static org.distvault.server.admin.ingest.IngestServer.JSON;
import static org.distvault.server.admin.ingest.IngestServer.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PUT /api/v1/blobs/sha512/<hex> over a real Undertow into a real Vault. */
@Timeout(120)
class BlobUploadHandlerTest {
  @TempDir Path data;
  @TempDir Path scratch;
  private IngestServer server;

  private IngestServer server() throws IOException {
    server = IngestServer.start(data);
    return server;
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static String path(String sha512) {
    return BlobUploadHandler.PREFIX + sha512;
  }

  private static String blake2s(byte[] c) {
    return TestContent.digest(DigestAlgorithm.BLAKE2S, c).hex();
  }

  /** The contract's body for a stored blob: sha512, size, every digest computed. */
  private static JsonNode blobBody(byte[] c, DigestAlgorithm... extra) {
    Digests all = TestContent.digests(c);
    ObjectNode body = JSON.createObjectNode().put("sha512", TestContent.sha512(c)).put("size", c.length);
    ObjectNode digests = body.putObject("digests");
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      boolean wanted = a == DigestAlgorithm.SHA512 || a == DigestAlgorithm.SHA256 || List.of(extra).contains(a);
      if (wanted) {
        digests.put(a.urlName(), all.get(a).orElseThrow().hex());
      }
    }
    return body;
  }

  @Test
  void newBlobIsCreatedWithEveryDigestAndStoredVerified() throws Exception {
    byte[] c = TestContent.bytes(1, 300_000);
    HttpResponse<String> r = server().put(path(TestContent.sha512(c)), c,
        "X-Distvault-Digests", "blake2s=" + blake2s(c));

    assertEquals(201, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(blobBody(c, DigestAlgorithm.BLAKE2S), json(r));
    Digest sha = TestContent.digest(DigestAlgorithm.SHA512, c);
    assertArrayEquals(c, Files.readAllBytes(server.vault.file(sha).orElseThrow()));
    BlobRecord rec = server.vault.blob(sha).orElseThrow();
    assertEquals(TestContent.digest(DigestAlgorithm.BLAKE2S, c), rec.digests().get(DigestAlgorithm.BLAKE2S).orElseThrow());
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of("blob:created"), server.events);
  }

  @Test
  void duplicateUploadIs200WithTheSameBodyAndStoresOneBlob() throws Exception {
    byte[] c = TestContent.bytes(2, 100_000);
    server().put(path(TestContent.sha512(c)), c);
    HttpResponse<String> again = server.put(path(TestContent.sha512(c)), c);

    assertEquals(200, again.statusCode(), again.body());
    assertEquals(blobBody(c), json(again));
    assertEquals(1, TestContent.blobFiles(data).size());
    assertEquals(1, server.vault.stats().blobs());
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of("blob:created", "blob:duplicate"), server.events);
  }

  @Test
  void duplicateWithANewDigestIsHashedAndTheRecordGainsIt() throws Exception {
    byte[] c = TestContent.bytes(3, 50_000);
    server().put(path(TestContent.sha512(c)), c);
    HttpResponse<String> again = server.put(path(TestContent.sha512(c)), c,
        "X-Distvault-Digests", "blake2s=" + blake2s(c) + ", sha1=" + TestContent.digest(DigestAlgorithm.SHA1, c).hex());

    assertEquals(200, again.statusCode(), again.body());
    assertEquals(blobBody(c, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA1), json(again));
    assertEquals(1, TestContent.blobFiles(data).size());
  }

  @Test
  void wrongSha512Is422WithBothDigestsAndNothingStored() throws Exception {
    byte[] c = TestContent.bytes(4, 200_000);
    byte[] other = TestContent.bytes(5, 10);
    String claimed = TestContent.sha512(other);
    HttpResponse<String> r = server().put(path(claimed), c);

    assertEquals(422, r.statusCode(), r.body());
    ObjectNode want = JSON.createObjectNode()
        .put("error", "SHA512 mismatch: expected " + claimed + ", got " + TestContent.sha512(c));
    want.putObject("expected").put("sha512", claimed);
    want.putObject("actual").put("sha512", TestContent.sha512(c));
    assertEquals(want, json(r));
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of(), TestContent.blobFiles(data));
    assertEquals(0, server.vault.stats().blobs());
    assertEquals(List.of("blob:mismatch"), server.events);
  }

  @Test
  void wrongHeaderDigestIs422NamingIt() throws Exception {
    byte[] c = TestContent.bytes(6, 1000);
    String wrong = blake2s(TestContent.bytes(7, 1000));
    HttpResponse<String> r = server().put(path(TestContent.sha512(c)), c, "X-Distvault-Digests", "blake2s=" + wrong);

    assertEquals(422, r.statusCode());
    JsonNode body = json(r);
    assertEquals("BLAKE2s mismatch: expected " + wrong + ", got " + blake2s(c), body.path("error").asText());
    assertEquals(JSON.createObjectNode().put("sha512", TestContent.sha512(c)).put("blake2s", wrong), body.path("expected"));
    assertEquals(JSON.createObjectNode().put("blake2s", blake2s(c)), body.path("actual"));
    assertEquals(List.of(), TestContent.blobFiles(data));
    assertEquals(List.of(), TestContent.tmpFiles(data));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "abc|bad blob path: SHA512 digest must be 128 hex digits, got 3",
    "zz000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000|bad blob path: SHA512 digest has a non-hex character at position 0",
  })
  void badPathIs400(String hex, String error) throws Exception {
    HttpResponse<String> r = server().put(path(hex), new byte[] {1, 2, 3});
    assertEquals(400, r.statusCode());
    assertEquals(JSON.createObjectNode().put("error", error), json(r));
    assertEquals(List.of("blob:bad_request"), server.events);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "blake2s|X-Distvault-Digests: 'blake2s' is not alg=hex",
    "md5=00|X-Distvault-Digests: unknown digest algorithm 'md5'",
    "sha1=abc|X-Distvault-Digests: SHA1 digest must be 40 hex digits, got 3",
    "'sha1=0000000000000000000000000000000000000000,'|X-Distvault-Digests: empty entry in 'sha1=0000000000000000000000000000000000000000,'",
  })
  void malformedDigestHeaderIs400(String header, String error) throws Exception {
    byte[] c = TestContent.bytes(8, 10);
    HttpResponse<String> r = server().put(path(TestContent.sha512(c)), c, "X-Distvault-Digests", header);
    assertEquals(400, r.statusCode());
    assertEquals(JSON.createObjectNode().put("error", error), json(r));
    assertEquals(List.of(), TestContent.blobFiles(data));
  }

  @Test
  void headerSha512ThatContradictsThePathIs400() throws Exception {
    byte[] c = TestContent.bytes(9, 10);
    String other = TestContent.sha512(TestContent.bytes(10, 10));
    HttpResponse<String> r = server().put(path(TestContent.sha512(c)), c, "X-Distvault-Digests", "sha512=" + other);
    assertEquals(400, r.statusCode());
    assertTrue(json(r).path("error").asText().startsWith("two different SHA512 digests: " + other), r.body());
  }

  @Test
  void chunkedBodyWithoutContentLengthIsAccepted() throws Exception {
    byte[] c = TestContent.bytes(11, 3_000_000);
    HttpResponse<String> r = server().send(HttpRequest.newBuilder(server.uri(path(TestContent.sha512(c))))
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(c))).build());
    assertEquals(201, r.statusCode(), r.body());
    assertEquals(blobBody(c), json(r));
  }

  @Test
  void sixtyFourMibUploadIsStreamedAndStored() throws Exception {
    long size = 64L << 20;
    Digests d = TestContent.streamDigests(77, size);
    String sha = d.get(DigestAlgorithm.SHA512).orElseThrow().hex();
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> TestContent.stream(77, size)), size);
    HttpResponse<String> r = server().send(HttpRequest.newBuilder(server.uri(path(sha)))
        .header("X-Distvault-Digests", "blake2s=" + d.get(DigestAlgorithm.BLAKE2S).orElseThrow().hex())
        .PUT(body).build());

    assertEquals(201, r.statusCode(), r.body());
    assertEquals(size, json(r).path("size").asLong());
    Path file = server.vault.file(d.get(DigestAlgorithm.SHA512).orElseThrow()).orElseThrow();
    assertEquals(size, Files.size(file));
    assertEquals(List.of(), TestContent.tmpFiles(data));
  }

  @Test
  void expectContinueUploadWorks() throws Exception {
    byte[] c = TestContent.bytes(12, 500_000);
    HttpClient client = HttpClient.newBuilder().build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(server().uri(path(TestContent.sha512(c))))
        .expectContinue(true).PUT(HttpRequest.BodyPublishers.ofByteArray(c)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
  }

  @Test
  void curlUploadsWithExpectContinueAndARefusedOneSendsNoBody() throws Exception {
    byte[] c = TestContent.bytes(19, 3 << 20);
    Path file = Files.write(scratch.resolve("upload"), c);
    assertEquals("201 3145728", curl(file, server().uri(path(TestContent.sha512(c))).toString()).trim());
    server.goOffline("offline");
    byte[] other = TestContent.bytes(20, 3 << 20);
    Files.write(file, other);
    // curl sends "Expect: 100-continue" for a body this large; the 409 comes before any byte of it.
    assertEquals("409 0", curl(file, server.uri(path(TestContent.sha512(other))).toString()).trim());
  }

  /** Uploads {@code file} with curl; returns "status bytes-uploaded". */
  private static String curl(Path file, String url) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_upload}",
        "-T", file.toString(), url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void offlineIs409BeforeTheBodyIsRead() throws Exception {
    server().goOffline("the server is offline (sealed)");
    byte[] c = TestContent.bytes(13, 10);
    // Announce a megabyte and send none of it: the answer can only come before the body is read.
    String reply = rawExchange(server.port(), "PUT " + path(TestContent.sha512(c)) + " HTTP/1.1\r\n"
        + "Host: x\r\nContent-Length: 1000000\r\n\r\n", new byte[0], false);
    assertTrue(reply.startsWith("HTTP/1.1 409 "), reply);
    assertTrue(reply.endsWith("{\"error\":\"the server is offline (sealed)\"}\n"), reply);
    assertEquals(List.of("blob:refused"), server.events);
    assertEquals(List.of(), TestContent.tmpFiles(data));
  }

  @Test
  void contentLengthAboveTheStoreLimitIs413BeforeReadingAndTheConnectionCloses() throws Exception {
    server = IngestServer.start(data, BlobStoreOptions.defaults().withMaxBlobSize(1 << 20));
    byte[] c = TestContent.bytes(14, 10);
    String reply = rawExchange(server.port(), "PUT " + path(TestContent.sha512(c)) + " HTTP/1.1\r\n"
        + "Host: x\r\nContent-Length: 1048577\r\n\r\n", new byte[0], false);
    assertTrue(reply.startsWith("HTTP/1.1 413 "), reply);
    assertTrue(reply.toLowerCase().contains("connection: close"), reply);
    assertTrue(reply.endsWith("{\"error\":\"blob of 1048577 bytes is larger than the store's limit of 1048576 bytes\"}\n"), reply);
    assertEquals(List.of("blob:too_large"), server.events);
  }

  @Test
  void chunkedBodyAboveTheStoreLimitIs413AndNothingIsKept() throws Exception {
    server = IngestServer.start(data, BlobStoreOptions.defaults().withMaxBlobSize(1 << 20));
    byte[] c = TestContent.bytes(15, (1 << 20) + 1);
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(server.uri(path(TestContent.sha512(c))))
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(c))).build());
    assertEquals(413, r.statusCode(), r.body());
    assertEquals("blob larger than the store's limit of 1048576 bytes (got at least 1048577)", json(r).path("error").asText());
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of(), TestContent.blobFiles(data));
  }

  @Test
  void clientThatDisconnectsMidUploadLeavesNothingBehind() throws Exception {
    byte[] c = TestContent.bytes(16, 4 << 20);
    server();
    rawExchange(server.port(), "PUT " + path(TestContent.sha512(c)) + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: " + c.length + "\r\n\r\n", java.util.Arrays.copyOf(c, 3 << 20), true);
    for (int i = 0; i < 200 && server.events.isEmpty(); i++) {
      Thread.sleep(50); // the worker notices the broken connection on its next read
    }
    assertEquals(List.of("blob:aborted"), server.events);
    assertEquals(List.of(), TestContent.tmpFiles(data));
    assertEquals(List.of(), TestContent.blobFiles(data));
    assertEquals(0, server.vault.stats().blobs());
  }

  @Test
  void duplicateWithAWrongLengthIs422SizeMismatch() throws Exception {
    byte[] c = TestContent.bytes(17, 1000);
    server().put(path(TestContent.sha512(c)), c);
    HttpResponse<String> r = server.put(path(TestContent.sha512(c)), java.util.Arrays.copyOf(c, 999));
    assertEquals(422, r.statusCode());
    assertEquals(JSON.createObjectNode().put("error", "Size mismatch: blob " + TestContent.sha512(c)
        + " has 1000 bytes, the upload had 999"), json(r));
    assertEquals(1, TestContent.blobFiles(data).size());
  }

  @Test
  void getIs405() throws Exception {
    byte[] c = TestContent.bytes(18, 10);
    HttpResponse<String> r = server().send(HttpRequest.newBuilder(server.uri(path(TestContent.sha512(c)))).GET().build());
    assertEquals(405, r.statusCode());
    assertEquals(Optional.of("PUT"), r.headers().firstValue("Allow"));
    assertEquals("method GET is not allowed on " + path(TestContent.sha512(c)) + "; use PUT", json(r).path("error").asText());
  }

  /**
   * Sends {@code head} and {@code body} on a raw socket; returns everything the server sent until
   * it closed (or, with {@code abort}, closes right after sending and returns "").
   */
  static String rawExchange(int port, String head, byte[] body, boolean abort) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      if (abort) {
        s.setSoLinger(true, 0); // RST: the server's next read fails
        return "";
      }
      InputStream in = s.getInputStream();
      StringBuilder reply = new StringBuilder();
      byte[] buf = new byte[8192];
      // Read until the JSON body is complete: a response to a request whose body was never sent.
      while (!reply.toString().endsWith("}\n")) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        reply.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      assertFalse(reply.isEmpty(), "no reply");
      return reply.toString();
    }
  }
}
