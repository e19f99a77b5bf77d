package org.distvault.server.admin.ingest;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.blob.BlobTooLargeException;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.SizeMismatchException;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.vault.Vault;

/**
 * {@code PUT /api/v1/blobs/sha512/<hex>}: streams the request body into the vault, verified
 * against the SHA-512 of the path, the digests of the optional {@code X-Distvault-Digests} header
 * and the Content-Length (a chunked body without one is fine). Nothing is held in memory and
 * nothing unverified is stored: the body goes through the vault's writer (hashed while it is
 * written, one pass) into {@code DATA/tmp/} and is published only if every digest matches; the
 * blob is then recorded, in one synced write with the blobs of concurrent uploads (the vault's
 * group commit).
 *
 * <p>Answers (JSON, see the admin API contract):
 *
 * <ul>
 *   <li>201 {@code {"sha512","size","digests"}} when the blob is new; 200 with the same body when
 *       it was already held;
 *   <li>400 for a path that is not 128 hex digits or a malformed header, and when the client
 *       breaks off the upload (nothing is kept; the client hardly sees the answer);
 *   <li>409 when the {@link UploadGate} refuses (offline), before the body is read;
 *   <li>413 when the Content-Length, or the body read so far, is above the store's limit; the
 *       connection is closed rather than read to its end;
 *   <li>422 on a digest mismatch ({@code {"error":"SHA512 mismatch: expected … got …",
 *       "expected":{alg:hex,…},"actual":{alg:hex}}}: all expected digests, and the computed digest
 *       of the algorithm that differed) or a size mismatch, with nothing stored.
 * </ul>
 *
 * <p><b>Duplicates.</b> When the blob is already held and its catalog record already has every
 * digest the header lists, the body is read and discarded (not hashed, not written) and 200 is
 * sent: clients such as {@code HttpURLConnection} write the whole body before they read a reply,
 * so closing early would turn the answer into a broken pipe. A listed digest that contradicts the
 * record is a 422 (after the same discard); an algorithm the record lacks makes the upload go
 * through a normal verified ingest, which adds the new digest to the record and stores nothing
 * new. Requests with {@code Expect: 100-continue} get the 100 only when the body is wanted, so an
 * early 409 or 413 costs such a client nothing.
 *
 * <p>Thread-safe; each request runs on an Undertow worker thread.
 */
public final class BlobUploadHandler implements HttpHandler {
  /** The route's prefix; the rest of the path is the SHA-512 in hex. */
  public static final String PREFIX = "/api/v1/blobs/sha512/";

  private static final int BUFFER = 64 * 1024;

  private final Vault vault;
  private final long maxBlobSize;
  private final HttpHandler entry;

  public BlobUploadHandler(Vault vault, UploadGate gate, IngestListener listener) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.maxBlobSize = vault.maxBlobSize();
    // One byte above the store's limit: an announced length above it gets this handler's own 413,
    // and the vault's writer stops a chunked body at the first byte too many.
    long bodyLimit = maxBlobSize == Long.MAX_VALUE ? Long.MAX_VALUE : maxBlobSize + 1;
    this.entry =
        new HttpContinueReadHandler(
            new JsonEndpoint("blob", Methods.PUT, bodyLimit, gate, listener, this::upload));
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply upload(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    Digest sha512 = pathDigest(ex.getRequestPath());
    Digests expected;
    try {
      expected = DigestHeader.parse(ex.getRequestHeaders().get(DigestHeader.NAME))
          .merge(Digests.of(List.of(sha512)));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    long announced = ex.getRequestContentLength();
    if (announced > maxBlobSize) {
      ex.setPersistent(false); // do not read gigabytes only to throw them away
      throw new ApiException(413, "too_large", "blob of " + announced
          + " bytes is larger than the store's limit of " + maxBlobSize + " bytes");
    }
    // The upload's one read of its blob record: none here for a blob the catalog surely lacks (the
    // group commit's merge reads it), this one for a duplicate, answered without a write.
    Optional<BlobRecord> held = vault.heldBlob(sha512);
    if (held.isPresent() && held.get().digests().algorithms().containsAll(expected.algorithms())) {
      return duplicate(ex, body, held.get(), expected);
    }
    OptionalLong size = announced >= 0 ? OptionalLong.of(announced) : OptionalLong.empty();
    BlobRecord record = ingest(ex, body, new Expectation(size, expected, Set.of()));
    boolean created = held.isEmpty();
    return new JsonEndpoint.Reply(created ? 201 : 200, describe(record),
        created ? "created" : "duplicate");
  }

  /** Parses the SHA-512 at the end of the request path. */
  static Digest pathDigest(String path) throws ApiException {
    if (!path.startsWith(PREFIX)) {
      throw ApiException.badRequest("path " + path + " is not under " + PREFIX);
    }
    String hex = path.substring(PREFIX.length());
    try {
      return Digest.fromHex(DigestAlgorithm.SHA512, hex);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("bad blob path: " + e.getMessage());
    }
  }

  /**
   * Streams the body into a verified blob, then records it (grouped with concurrent uploads); see
   * the class comment for the failures.
   */
  private BlobRecord ingest(HttpServerExchange ex, InputStream in, Expectation expectation)
      throws IOException, ApiException {
    BlobRecord stored;
    try (Vault.RecordingWriter w = vault.newWriter(expectation)) {
      // Read straight into the writer's chunk buffers; it asks for one byte past the expected
      // size (or the store's limit), no further: that byte proves the body is too long.
      BlobWriter.Source body = (b, off, len) -> {
        try {
          return in.read(b, off, len);
        } catch (IOException e) {
          throw new BodyReadFailure(e, w.count());
        }
      };
      try {
        while (w.readSome(body) >= 0) {
          // the writer hashes and writes each chunk as it fills
        }
      } catch (BodyReadFailure e) {
        throw JsonEndpoint.readFailure(ex, e.read(), e.count());
      }
      // Hashed while written, verified, fsynced, renamed, directory fsynced, then recorded.
      w.commit();
      stored = w.recorded();
    } catch (DigestMismatchException e) {
      throw mismatch(e, expectation.digests());
    } catch (SizeMismatchException e) {
      throw new ApiException(422, "mismatch", e.getMessage());
    } catch (BlobTooLargeException e) {
      JsonEndpoint.discardOrClose(ex);
      throw new ApiException(413, "too_large", e.getMessage());
    }
    return stored;
  }

  /** Answers an upload of a blob already held: discards the body after checking what it can. */
  private JsonEndpoint.Reply duplicate(
      HttpServerExchange ex, InputStream body, BlobRecord held, Digests expected)
      throws ApiException {
    long got = discard(ex, body);
    try {
      held.digests().verify(expected);
    } catch (DigestMismatchException e) {
      throw mismatch(e, expected);
    }
    if (got != held.size()) {
      throw new ApiException(422, "mismatch", "Size mismatch: blob " + held.sha512().hex()
          + " has " + held.size() + " bytes, the upload had " + got);
    }
    return new JsonEndpoint.Reply(200, describe(held), "duplicate");
  }

  /** 422 with every expected digest and the computed one of the algorithm that differed. */
  private static ApiException mismatch(DigestMismatchException e, Digests expected) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("expected", expected.toHexMap());
    extra.put("actual", Map.of(e.actual().algorithm().urlName(), e.actual().hex()));
    return new ApiException(422, "mismatch", e.getMessage(), extra);
  }

  /** Reads the body to its end and throws it away; returns its length. */
  private static long discard(HttpServerExchange ex, InputStream body) throws ApiException {
    byte[] buf = new byte[BUFFER];
    long total = 0;
    try {
      for (int n = body.read(buf); n >= 0; n = body.read(buf)) {
        total += n;
      }
    } catch (IOException e) {
      throw JsonEndpoint.readFailure(ex, e, total);
    }
    return total;
  }

  static Map<String, Object> describe(BlobRecord b) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sha512", b.sha512().hex());
    body.put("size", b.size());
    body.put("digests", b.digests().toHexMap());
    return body;
  }
}
