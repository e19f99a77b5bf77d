package org.distvault.prefetch.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;

/**
 * A small server that follows the admin API of README.md for the routes the prefetch tool uses
 * ({@code POST /api/v1/have}, {@code PUT /api/v1/blobs/sha512/<hex>}, {@code POST
 * /api/v1/outcomes}), storing blobs in a directory. A real HTTP server for ServerClient's tests,
 * until the distvault server exists.
 */
public final class ContractServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<DigestAlgorithm> STRENGTH = List.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S,
      DigestAlgorithm.SHA256, DigestAlgorithm.RMD160, DigestAlgorithm.SHA1);

  private final HttpServer server;
  private final Path dir;
  private final byte[] token;
  private final Map<String, Digests> blobs = new ConcurrentHashMap<>();
  private final Map<String, String> bindings = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final List<JsonNode> outcomes = new CopyOnWriteArrayList<>();
  private final AtomicInteger uploads = new AtomicInteger();
  private final AtomicInteger haveCalls = new AtomicInteger();
  private volatile boolean offline;

  public ContractServer(Path dir, String token) throws IOException {
    this.dir = dir;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve("tmp"));
    Files.createDirectories(dir.resolve("blobs"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/api/v1/", this::handle);
    server.start();
  }

  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  public void setOffline(boolean offline) {
    this.offline = offline;
  }

  /** The stored bytes of a blob, or empty. */
  public Optional<byte[]> blob(String sha512) throws IOException {
    Path p = dir.resolve("blobs").resolve(sha512);
    return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
  }

  /** name -> sha512 of every ok outcome (and every binding made by have). */
  public Map<String, String> bindings() {
    return Map.copyOf(bindings);
  }

  /** name -> reason of every failed outcome. */
  public Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  public int blobCount() {
    return blobs.size();
  }

  public int uploads() {
    return uploads.get();
  }

  public int haveCalls() {
    return haveCalls.get();
  }

  public List<JsonNode> outcomes() {
    return List.copyOf(outcomes);
  }

  /** Empties the server's tmp directory check: nothing half-uploaded may stay. */
  public long tmpFiles() throws IOException {
    try (var s = Files.list(dir.resolve("tmp"))) {
      return s.count();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      byte[] given = auth != null && auth.startsWith("Bearer ")
          ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(given, token)) {
        error(ex, 401, "missing or wrong bearer token");
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      if (method.equals("POST") && path.equals("/api/v1/have")) {
        have(ex);
      } else if (method.equals("PUT") && path.startsWith("/api/v1/blobs/sha512/")) {
        upload(ex, path.substring("/api/v1/blobs/sha512/".length()));
      } else if (method.equals("POST") && path.equals("/api/v1/outcomes")) {
        recordOutcomes(ex);
      } else {
        error(ex, 404, "no route " + method + " " + path);
      }
    } catch (RuntimeException e) {
      error(ex, 500, e.toString());
    }
  }

  private void have(HttpExchange ex) throws IOException {
    haveCalls.incrementAndGet();
    JsonNode req = JSON.readTree(ex.getRequestBody());
    ArrayNode present = JSON.createArrayNode();
    ArrayNode missing = JSON.createArrayNode();
    int i = 0;
    for (JsonNode e : req.path("entries")) {
      Digests want = digests(e.path("digests"));
      String sha = findBlob(want, e.path("size").asLong(-1));
      if (sha != null) {
        bindings.put(e.path("name").asText(), sha);
        present.add(i);
      } else {
        missing.add(i);
      }
      i++;
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.set("present", present);
    reply.set("missing", missing);
    send(ex, 200, reply);
  }

  /** The blob matching the strongest listed digest (and every other one, and the size). */
  private String findBlob(Digests want, long size) {
    for (DigestAlgorithm a : STRENGTH) {
      Optional<Digest> d = want.get(a);
      if (d.isEmpty()) {
        continue;
      }
      for (Map.Entry<String, Digests> b : blobs.entrySet()) {
        if (b.getValue().get(a).equals(d) && matches(b.getKey(), b.getValue(), want, size)) {
          return b.getKey();
        }
      }
      return null;
    }
    return null;
  }

  private boolean matches(String sha, Digests have, Digests want, long size) {
    try {
      have.verify(want);
    } catch (DigestMismatchException e) {
      return false;
    }
    try {
      return size < 0 || Files.size(dir.resolve("blobs").resolve(sha)) == size;
    } catch (IOException e) {
      return false;
    }
  }

  private void upload(HttpExchange ex, String hex) throws IOException {
    if (offline) {
      error(ex, 409, "the server is offline");
      return;
    }
    uploads.incrementAndGet();
    Digest claimed = Digest.fromHex(DigestAlgorithm.SHA512, hex);
    Map<String, String> extra = new HashMap<>();
    String header = ex.getRequestHeaders().getFirst("X-Distvault-Digests");
    if (header != null) {
      for (String part : header.split(",")) {
        String[] kv = part.split("=", 2);
        extra.put(kv[0].trim(), kv[1].trim());
      }
    }
    Path tmp = Files.createTempFile(dir.resolve("tmp"), "up-", ".part");
    try {
      MultiDigester d = MultiDigester.of(EnumSet.allOf(DigestAlgorithm.class));
      try (InputStream in = ex.getRequestBody(); OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[65536];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          d.update(buf, 0, n);
          out.write(buf, 0, n);
        }
      }
      long size = d.byteCount();
      Digests actual = d.finish();
      Digests expected = Digests.fromHex(extra).merge(Digests.of(List.of(claimed)));
      try {
        actual.verify(expected);
      } catch (DigestMismatchException e) {
        // Like the real server, nothing is left behind by the time the client reads the answer.
        Files.deleteIfExists(tmp);
        ObjectNode body = JSON.createObjectNode().put("error", e.getMessage());
        body.set("expected", JSON.valueToTree(expected.toHexMap()));
        body.set("actual", JSON.valueToTree(actual.toHexMap()));
        send(ex, 422, body);
        return;
      }
      Path target = dir.resolve("blobs").resolve(hex);
      boolean existed = Files.exists(target);
      if (!existed) {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        blobs.put(hex, actual);
      }
      ObjectNode body = JSON.createObjectNode().put("sha512", hex).put("size", size);
      body.set("digests", JSON.valueToTree(actual.toHexMap()));
      send(ex, existed ? 200 : 201, body);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void recordOutcomes(HttpExchange ex) throws IOException {
    if (offline) {
      error(ex, 409, "the server is offline");
      return;
    }
    int n = 0;
    BufferedReader r = new BufferedReader(new InputStreamReader(ex.getRequestBody(), StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode o = JSON.readTree(line);
      String name = o.path("name").asText();
      if (o.path("status").asText().equals("ok")) {
        String sha = o.path("sha512").asText();
        Digests have = blobs.get(sha);
        if (have == null || !matches(sha, have, digests(o.path("digests")), -1)) {
          error(ex, 422, "line " + (n + 1) + ": no blob " + sha + " matching every expected digest of " + name);
          return;
        }
        bindings.put(name, sha);
      } else {
        failures.put(name, o.path("reason").asText());
      }
      outcomes.add(o);
      n++;
    }
    send(ex, 200, JSON.createObjectNode().put("recorded", n));
  }

  private static Digests digests(JsonNode node) {
    Map<String, String> m = new HashMap<>();
    node.properties().forEach(f -> m.put(f.getKey(), f.getValue().asText()));
    return Digests.fromHex(m);
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, JSON.createObjectNode().put("error", message));
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
