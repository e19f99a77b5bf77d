package org.distvault.prefetch.client;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.distvault.prefetch.deliver.BlobSink;
import org.distvault.prefetch.deliver.BlobUpload;
import org.distvault.prefetch.deliver.ContentRejectedException;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.OutcomeJson;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.SetName;

/**
 * A {@link BlobSink} that talks to the distvault server's admin API (api-contract v1): {@code
 * POST /api/v1/have} in chunks of {@value #HAVE_CHUNK} entries, two at a time, {@code PUT
 * /api/v1/blobs/sha512/<hex>} streamed from the spool file, and {@code POST /api/v1/outcomes} as
 * JSON lines. Every request carries {@code Authorization: Bearer <token>}.
 *
 * <p>A 401/403, a 409 (offline mode) or an unreachable server is a {@link
 * SinkUnavailableException}: the run stops. A 422 (the server's own hash disagrees) fails only
 * that distfile. The requests go through {@link AdminApi}, the one client of the admin API;
 * thread-safe like it.
 */
public final class ServerClient implements BlobSink {
  /** The contract's largest {@code have} request. */
  public static final int HAVE_CHUNK = 10_000;

  /** {@code have} requests sent at once when the entries take several. */
  static final int HAVE_IN_FLIGHT = 2;

  private final AdminApi api;
  /** Where the set's routes are: {@code api/v1/} (the default set) or {@code api/v1/sets/<set>/}. */
  private final String setRoutes;

  /**
   * @param server the server's base URL, e.g. {@code http://cache:8080/}
   * @param token the admin token
   * @param readTimeout how long the server may take to answer (it re-hashes uploads)
   */
  public ServerClient(URI server, String token, Duration connectTimeout, Duration readTimeout) {
    this(new AdminApi(server, token, connectTimeout, readTimeout));
  }

  /** A sink that sends through {@code api} (shared with the command line's other calls). */
  public ServerClient(AdminApi api) {
    this(api, Optional.empty());
  }

  /**
   * A sink that fills source set {@code set} ({@code have} and {@code outcomes} through {@code
   * /api/v1/sets/<set>/}); without one, the default set through the un-prefixed routes. Blob
   * uploads are global either way (blobs are shared by every set).
   *
   * @param set a valid set name (see {@code org.distvault.storage.name.SetName}), or empty
   */
  public ServerClient(AdminApi api, Optional<String> set) {
    this.api = api;
    this.setRoutes = setRoutes(set);
  }

  /** The path prefix of the routes of {@code set}: {@code api/v1/} or {@code api/v1/sets/<set>/}. */
  public static String setRoutes(Optional<String> set) {
    return set.map(s -> "api/v1/sets/" + SetName.of(s).value() + "/").orElse("api/v1/");
  }

  /**
   * The route of a manifest upload to {@code set} that also asks which of its entries the server
   * holds: {@code api/v1/[sets/<set>/]manifest?have=1}. A server that does not know {@code have}
   * ignores it; see {@link #heldInManifestReply}.
   */
  public static String manifestWithHave(Optional<String> set) {
    return setRoutes(set) + "manifest?have=1";
  }

  /**
   * Which of the {@code entries} manifest entries just uploaded with {@link #manifestWithHave}
   * the server holds, from its answer's {@code "present"} indexes: the answer {@link #have} would
   * give for them. Empty when the answer has no {@code "present"} (a server that ignores the
   * parameter, or a manifest too large for the server to keep in memory) or counts other entries
   * than were sent: then ask {@link #have}.
   *
   * @throws IOException when the indexes are not ascending integers below {@code entries}
   */
  public static Optional<BitSet> heldInManifestReply(JsonNode reply, int entries) throws IOException {
    JsonNode indexes = reply.get("present");
    if (indexes == null || reply.path("entries").asLong(-1) != entries) {
      return Optional.empty();
    }
    if (!indexes.isArray()) {
      throw new IOException("POST manifest?have=1: \"present\" is not an array");
    }
    BitSet present = new BitSet(entries);
    int last = -1;
    for (JsonNode i : indexes) {
      int index = i.asInt(-1);
      if (!i.isIntegralNumber() || index <= last || index >= entries) {
        throw new IOException("POST manifest?have=1: an index out of range or order in \"present\": " + i);
      }
      present.set(index);
      last = index;
    }
    return Optional.of(present);
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
    JsonNode reply = call(setRoutes + "have", "application/json", haveBody(chunk));
    JsonNode indexes = reply.path("present");
    if (!indexes.isArray()) {
      throw new IOException("POST /" + setRoutes + "have: reply has no \"present\" array");
    }
    synchronized (present) {
      for (JsonNode i : indexes) {
        int index = i.asInt(-1);
        if (!i.isIntegralNumber() || index < 0 || index >= chunk.size()) {
          throw new IOException("POST /" + setRoutes + "have: reply has an index out of range: " + i);
        }
        present.set(from + index);
      }
    }
  }

  private static byte[] haveBody(List<ExpectedDistfile> chunk) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(chunk.size() * 300);
    try (JsonGenerator g = AdminApi.JSON.getFactory().createGenerator(buf, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeArrayFieldStart("entries");
      for (ExpectedDistfile e : chunk) {
        g.writeStartObject();
        g.writeStringField("name", e.name().value());
        if (!e.pkgpaths().isEmpty()) {
          g.writeStringField("pkgpath", e.pkgpaths().iterator().next());
        }
        OutcomeJson.writeDigests(g, e.digests().toHexMap());
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
    String path = blobPath(blob.sha512());
    JsonNode reply;
    try {
      reply = api.sendFile("PUT", path, "application/octet-stream", blob.file(), digestHeader(blob.digests()));
    } catch (AdminApiException e) {
      throw refusal(e);
    }
    checkStored(path, reply, blob.sha512(), blob.size());
  }

  /**
   * The same {@code PUT /api/v1/blobs/sha512/<hex>}, its body streamed in by the caller as it
   * downloads it: the path names the expected SHA-512, {@code X-Distvault-Digests} carries the
   * other expected digests and Content-Length the expected size, so the server verifies all of them
   * while it stores the body and answers a mismatch with 422 (a {@link ContentRejectedException}).
   */
  @Override
  public Optional<BlobUpload> stream(long size, Digests expected, List<ExpectedDistfile> entries) {
    Digest sha512 = expected.get(DigestAlgorithm.SHA512)
        .orElseThrow(() -> new IllegalArgumentException("a streamed upload needs the expected SHA512"));
    String path = blobPath(sha512);
    StreamedRequest request = api.stream("PUT", path, "application/octet-stream", size, digestHeader(expected));
    return Optional.of(new BlobUpload() {
      @Override
      protected void send(byte[] b, int off, int len) throws IOException {
        try {
          request.write(b, off, len);
        } catch (AdminApiException e) {
          throw refusal(e);
        }
      }

      @Override
      public void finish() throws IOException {
        JsonNode reply;
        try {
          reply = request.finish();
        } catch (AdminApiException e) {
          if (e.status() == 422) {
            throw new ContentRejectedException(e.reason(), e.reason().startsWith("Size"), e);
          }
          throw refusal(e);
        }
        checkStored(path, reply, sha512, size);
      }

      @Override
      public void close() {
        request.close();
      }
    });
  }

  private static String blobPath(Digest sha512) {
    return "api/v1/blobs/sha512/" + sha512.hex();
  }

  /** {@code X-Distvault-Digests} with every digest but the SHA-512 (which the path names), if any. */
  private static Map<String, String> digestHeader(Digests digests) {
    StringJoiner extra = new StringJoiner(",");
    for (Digest d : digests.asMap().values()) {
      if (d.algorithm() != DigestAlgorithm.SHA512) {
        extra.add(d.algorithm().urlName() + "=" + d.hex());
      }
    }
    return extra.length() > 0 ? Map.of("X-Distvault-Digests", extra.toString()) : Map.of();
  }

  private static void checkStored(String path, JsonNode reply, Digest sha512, long size) throws IOException {
    String stored = reply.path("sha512").asText("");
    if (!stored.equalsIgnoreCase(sha512.hex()) || reply.path("size").asLong(-1) != size) {
      throw new IOException("PUT /" + path + ": server stored sha512 " + stored + " size "
          + reply.path("size").asLong(-1) + ", expected " + sha512.hex() + " size " + size);
    }
  }

  @Override
  public void recordOutcomes(List<Outcome> outcomes) throws IOException {
    byte[] body = OutcomeJson.serverLines(outcomes);
    if (body.length == 0) {
      return;
    }
    long lines = outcomes.stream().filter(o -> o.status() != Outcome.Status.PRESENT).count();
    JsonNode reply = call(setRoutes + "outcomes", "application/x-ndjson", body);
    if (reply.path("recorded").asLong(-1) != lines) {
      throw new IOException("POST /" + setRoutes + "outcomes: sent " + lines + " outcome(s), server recorded "
          + reply.path("recorded"));
    }
  }

  private JsonNode call(String path, String contentType, byte[] body) throws IOException {
    try {
      return api.send("POST", path, contentType, body);
    } catch (AdminApiException e) {
      throw refusal(e);
    }
  }

  /**
   * A refused token or a sealed server refuses every later call too: the run stops ({@link
   * SinkUnavailableException}). Any other status fails only this call.
   */
  private static IOException refusal(AdminApiException e) {
    if (e.status() == 401 || e.status() == 403) {
      return new SinkUnavailableException(e.getMessage() + " (check the admin token)", e);
    }
    if (e.status() == 409) {
      return new SinkUnavailableException(e.getMessage() + " (the server is offline: switch it online to prefetch)", e);
    }
    return e;
  }
}
