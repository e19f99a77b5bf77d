package org.distvault.prefetch.client;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.distvault.prefetch.deliver.BlobSink;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * A {@link BlobSink} that talks to the distvault server's admin API (api-contract v1): {@code
 * POST /api/v1/have} in chunks of {@value #HAVE_CHUNK} entries, two at a time, {@code PUT
 * /api/v1/blobs/sha512/<hex>} streamed from the spool file, and {@code POST /api/v1/outcomes} as
 * JSON lines. Every request carries {@code Authorization: Bearer <token>}.
 *
 * <p>A 401/403, a 409 (offline mode) or an unreachable server is a {@link
 * SinkUnavailableException}: the run stops. A 422 (the server's own hash disagrees) fails only
 * that distfile. Thread-safe: each call uses its own connection at a time; connections whose
 * reply was read to its end are kept alive and reused (the JDK's cache, {@code http.maxConnections}
 * idle ones per server, default 5).
 */
public final class ServerClient implements BlobSink {
  /** The contract's largest {@code have} request. */
  public static final int HAVE_CHUNK = 10_000;

  /** {@code have} requests sent at once when the entries take several. */
  static final int HAVE_IN_FLIGHT = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  /**
   * @param server the server's base URL, e.g. {@code http://cache:8080/}
   * @param token the admin token
   * @param readTimeout how long the server may stay silent while answering (it re-hashes uploads)
   */
  public ServerClient(URI server, String token, Duration connectTimeout, Duration readTimeout) {
    String s = server.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.token = token;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /** Reads the admin token: the first line of the file, trimmed. */
  public static String readTokenFile(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IOException("token file " + file + " is empty");
    }
    return lines.get(0).trim();
  }

  @Override
  public BitSet have(List<ExpectedDistfile> entries) throws IOException {
    BitSet present = new BitSet(entries.size());
    int chunks = (entries.size() + HAVE_CHUNK - 1) / HAVE_CHUNK;
    if (chunks <= 1) {
      haveChunk(entries, 0, present);
      return present;
    }
    // The server answers a chunk on one core: two chunks in flight keep a two-core server busy
    // while this side encodes the next body.
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(chunks, HAVE_IN_FLIGHT), r -> {
      Thread t = new Thread(r, "have-query");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> calls = new ArrayList<>(chunks);
      for (int from = 0; from < entries.size(); from += HAVE_CHUNK) {
        int start = from;
        calls.add(pool.submit(() -> {
          haveChunk(entries.subList(start, Math.min(entries.size(), start + HAVE_CHUNK)), start, present);
          return null;
        }));
      }
      for (Future<?> call : calls) {
        await(call);
      }
      return present;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits for one have call, rethrowing its failure as the IOException it was. */
  private static void await(Future<?> call) throws IOException {
    try {
      call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while asking the server which entries it holds");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Asks about one chunk that starts at index {@code from}; sets its present entries' bits. */
  private void haveChunk(List<ExpectedDistfile> chunk, int from, BitSet present) throws IOException {
    JsonNode reply = call("POST", "api/v1/have", "application/json", haveBody(chunk));
    JsonNode indexes = reply.path("present");
    if (!indexes.isArray()) {
      throw new IOException("POST /api/v1/have: reply has no \"present\" array");
    }
    synchronized (present) {
      for (JsonNode i : indexes) {
        int index = i.asInt(-1);
        if (!i.isIntegralNumber() || index < 0 || index >= chunk.size()) {
          throw new IOException("POST /api/v1/have: reply has an index out of range: " + i);
        }
        present.set(from + index);
      }
    }
  }

  private static byte[] haveBody(List<ExpectedDistfile> chunk) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(chunk.size() * 300);
    try (JsonGenerator g = JSON.getFactory().createGenerator(buf, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeArrayFieldStart("entries");
      for (ExpectedDistfile e : chunk) {
        g.writeStartObject();
        g.writeStringField("name", e.name().value());
        if (!e.pkgpaths().isEmpty()) {
          g.writeStringField("pkgpath", e.pkgpaths().iterator().next());
        }
        writeDigests(g, e.digests().toHexMap());
        if (e.size().isPresent()) {
          g.writeNumberField("size", e.size().getAsLong());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return buf.toByteArray();
  }

  @Override
  public void put(VerifiedBlob blob, List<ExpectedDistfile> entries) throws IOException {
    String path = "api/v1/blobs/sha512/" + blob.sha512().hex();
    HttpURLConnection c = open("PUT", path);
    c.setRequestProperty("Content-Type", "application/octet-stream");
    StringJoiner extra = new StringJoiner(",");
    for (Digest d : blob.digests().asMap().values()) {
      if (d.algorithm() != DigestAlgorithm.SHA512) {
        extra.add(d.algorithm().urlName() + "=" + d.hex());
      }
    }
    if (extra.length() > 0) {
      c.setRequestProperty("X-Distvault-Digests", extra.toString());
    }
    c.setDoOutput(true);
    c.setFixedLengthStreamingMode(blob.size());
    boolean reusable = false;
    try {
      try (OutputStream out = c.getOutputStream()) {
        Files.copy(blob.file(), out);
      }
      JsonNode reply = reply(c, "PUT /" + path);
      reusable = true;
      String stored = reply.path("sha512").asText("");
      if (!stored.equalsIgnoreCase(blob.sha512().hex()) || reply.path("size").asLong(-1) != blob.size()) {
        throw new IOException("PUT /" + path + ": server stored sha512 " + stored + " size "
            + reply.path("size").asLong(-1) + ", expected " + blob.sha512().hex() + " size " + blob.size());
      }
    } catch (ConnectException e) {
      throw new SinkUnavailableException("cannot connect to " + base + ": " + e.getMessage(), e);
    } finally {
      release(c, reusable);
    }
  }

  @Override
  public void recordOutcomes(List<Outcome> outcomes) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(outcomes.size() * 400);
    int lines = 0;
    for (Outcome o : outcomes) {
      if (o.status() == Outcome.Status.PRESENT) {
        continue;
      }
      try (JsonGenerator g = JSON.getFactory().createGenerator(buf, JsonEncoding.UTF8)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        writeOutcome(g, o);
      }
      buf.write('\n');
      lines++;
    }
    if (lines == 0) {
      return;
    }
    JsonNode reply = call("POST", "api/v1/outcomes", "application/x-ndjson", buf.toByteArray());
    if (reply.path("recorded").asLong(-1) != lines) {
      throw new IOException("POST /api/v1/outcomes: sent " + lines + " outcome(s), server recorded "
          + reply.path("recorded"));
    }
  }

  private static void writeOutcome(JsonGenerator g, Outcome o) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", o.entry().name().value());
    g.writeArrayFieldStart("pkgpaths");
    for (String p : o.entry().pkgpaths()) {
      g.writeString(p);
    }
    g.writeEndArray();
    writeDigests(g, o.entry().digests().toHexMap());
    g.writeStringField("status", o.status() == Outcome.Status.OK ? "ok" : "failed");
    if (o.reason() != null) {
      g.writeStringField("reason", o.reason());
    }
    if (o.url() != null) {
      g.writeStringField("url", o.url());
    }
    if (o.sha512() != null) {
      g.writeStringField("sha512", o.sha512().hex());
    }
    g.writeEndObject();
  }

  private static void writeDigests(JsonGenerator g, Map<String, String> digests) throws IOException {
    g.writeObjectFieldStart("digests");
    for (Map.Entry<String, String> d : digests.entrySet()) {
      g.writeStringField(d.getKey(), d.getValue());
    }
    g.writeEndObject();
  }

  private JsonNode call(String method, String path, String contentType, byte[] body) throws IOException {
    HttpURLConnection c = open(method, path);
    c.setRequestProperty("Content-Type", contentType);
    c.setDoOutput(true);
    // No streaming mode for these small bodies: in streaming mode the JDK drops the body of a
    // 401 reply, and with it the server's one-line reason.
    boolean reusable = false;
    try {
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      JsonNode reply = reply(c, method + " /" + path);
      reusable = true;
      return reply;
    } catch (ConnectException e) {
      throw new SinkUnavailableException("cannot connect to " + base + ": " + e.getMessage(), e);
    } finally {
      release(c, reusable);
    }
  }

  /**
   * Leaves a connection whose reply was read to its end to the JDK's keep-alive cache, so the
   * next call reuses it instead of opening a new one per blob; closes any other.
   */
  private static void release(HttpURLConnection c, boolean reusable) {
    if (!reusable) {
      c.disconnect();
    }
  }

  private HttpURLConnection open(String method, String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
    c.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
    c.setUseCaches(false);
    c.setInstanceFollowRedirects(false);
    c.setRequestProperty("Authorization", "Bearer " + token);
    c.setRequestProperty("Accept", "application/json");
    return c;
  }

  /** Reads a 2xx JSON reply, or turns an error status into the right exception. */
  private static JsonNode reply(HttpURLConnection c, String what) throws IOException {
    int status = c.getResponseCode();
    if (status >= 200 && status < 300) {
      try (InputStream in = c.getInputStream()) {
        // Read to its end (small JSON), so that the connection can be reused.
        return JSON.readTree(in.readAllBytes());
      }
    }
    String error = errorText(c);
    String message = what + ": HTTP " + status + (error.isEmpty() ? "" : ": " + error);
    if (status == 401 || status == 403) {
      throw new SinkUnavailableException(message + " (check the admin token)");
    }
    if (status == 409) {
      throw new SinkUnavailableException(message + " (the server is offline: switch it online to prefetch)");
    }
    throw new IOException(message);
  }

  private static String errorText(HttpURLConnection c) {
    try (InputStream in = c.getErrorStream()) {
      if (in == null) {
        return "";
      }
      byte[] body = in.readNBytes(64 * 1024);
      try {
        JsonNode n = JSON.readTree(body);
        if (n != null && n.path("error").isTextual()) {
          return n.path("error").asText();
        }
      } catch (IOException notJson) {
        // Not the contract's {"error":...} shape: show the raw start of the body instead.
      }
      return new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
    } catch (IOException e) {
      return "(error body unreadable: " + e.getMessage() + ")";
    }
  }
}
