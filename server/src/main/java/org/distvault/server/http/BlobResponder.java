package org.distvault.server.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Serves one {@link ServableBlob} for a GET or HEAD: the same headers, validators, conditional
 * requests and byte ranges for every serving route.
 *
 * <p>Always sends {@code ETag} (strong, from the SHA-512: see {@link BlobValidators}), {@code Last-Modified} and
 * {@code Accept-Ranges: bytes}. {@code If-None-Match}/{@code If-Modified-Since} give 304 (see
 * {@link BlobValidators}); on GET a single {@code Range} gives 206 with {@code Content-Range}, or 416
 * with {@code Content-Range: bytes *}{@code /size} when it selects nothing, and {@code If-Range}
 * decides whether the range applies (see {@link RangeSelection}; several ranges are served whole).
 * Bodies, whole or partial, go out zero-copy through {@link FileTransfer}, from files opened
 * through {@link OpenBlobFiles}, once the file is known to hold the blob's bytes ({@link
 * VerifiedFiles}): before its first service in this process, and whenever the file was written
 * since, it is hashed whole before any header is sent, so no byte of an unverified file leaves.
 * A file whose size is not the blob's is refused before the headers. Blobs of at most {@link
 * HotBlobs#MAX_BLOB_BYTES} are sent from a memory copy ({@link HotBlobs}) instead, read from the
 * file and hashed before its first use (which is their verification), and used only while the
 * file's identity is the one it was read with: a file written since is read and hashed again
 * before any header. Thread-safe.
 */
public final class BlobResponder {
  /** {@code Content-Type} of every blob: distfiles are opaque bytes to the cache. */
  static final String CONTENT_TYPE = "application/octet-stream";

  private final OpenBlobFiles files;
  private final VerifiedFiles verified;
  private final HotBlobs hot;

  public BlobResponder(OpenBlobFiles files, VerifiedFiles verified) {
    this(files, verified, new HotBlobs(HotBlobs.DEFAULT_BUDGET_BYTES));
  }

  BlobResponder(OpenBlobFiles files, VerifiedFiles verified, HotBlobs hot) {
    this.files = Objects.requireNonNull(files, "files");
    this.verified = Objects.requireNonNull(verified, "verified");
    this.hot = Objects.requireNonNull(hot, "hot");
  }

  /**
   * Answers the exchange with {@code blob}. It opens the file and reads its first bytes: run it on
   * a worker thread, or on the I/O thread only for small blobs (see {@link
   * DistfileRoutes#IO_THREAD_MAX_BYTES}).
   *
   * @throws java.nio.file.NoSuchFileException when the blob's file is gone; nothing was sent
   * @throws CorruptBlobException when the file does not hold the blob's bytes; nothing was sent
   * @throws IOException if the file cannot be read; nothing has been sent then, and the caller
   *     answers with an error
   */
  public void respond(HttpServerExchange exchange, ServableBlob blob) throws IOException {
    VerifiedFiles.Identity id = VerifiedFiles.identify(blob.file());
    if (id.size() != blob.size()) {
      throw new CorruptBlobException(blob.sha512(), "its file has " + id.size() + " bytes, not " + blob.size());
    }
    HeaderMap in = exchange.getRequestHeaders();
    BlobValidators validators = BlobValidators.of(blob);
    boolean get = exchange.getRequestMethod().equals(Methods.GET);

    if (validators.notModified(values(in.get(Headers.IF_NONE_MATCH)), in.getFirst(Headers.IF_MODIFIED_SINCE))) {
      putValidators(exchange, validators);
      exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
      exchange.endExchange();
      return;
    }
    // RFC 9110 §14.2: GET is the only method with range semantics; HEAD describes the whole blob.
    RangeSelection selection = get && validators.ifRangeHolds(in.getFirst(Headers.IF_RANGE))
        ? RangeSelection.of(in.getFirst(Headers.RANGE), blob.size())
        : new RangeSelection.Whole();
    if (selection instanceof RangeSelection.Unsatisfiable) {
      putValidators(exchange, validators);
      exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, "bytes */" + blob.size());
      OneLineReply.send(exchange, StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE,
          "range not satisfiable: the file has " + blob.size() + " bytes");
      return;
    }
    // A HEAD sends no byte of the body: only its size had to be right. Verified before the
    // headers, so that a refusal is still possible: a small blob by the hashing of its memory copy.
    ByteBuffer copy = null;
    if (get && hot.fits(blob.size())) {
      copy = hot.get(blob.sha512(), id).orElse(null);
      if (copy == null) {
        copy = copyOf(blob, id);
      }
    } else if (get && !verified.known(blob.sha512(), id)) {
      verified.verify(blob.sha512(), blob.file(), id);
    }
    long start = 0;
    long length = blob.size();
    int status = StatusCodes.OK;
    String contentRange = null;
    if (selection instanceof RangeSelection.Partial partial) {
      start = partial.first();
      length = partial.length();
      status = StatusCodes.PARTIAL_CONTENT;
      contentRange = "bytes " + partial.first() + "-" + partial.last() + "/" + blob.size();
    }

    OpenBlobFiles.Lease file = get && copy == null ? files.open(blob) : null;
    putValidators(exchange, validators);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, CONTENT_TYPE);
    if (contentRange != null) {
      exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, contentRange);
    }
    if (copy != null) {
      FileTransfer.fromMemory(exchange, copy.position((int) start).limit((int) (start + length)), start);
      return;
    }
    if (file == null) {
      exchange.setResponseContentLength(length);
      exchange.endExchange();
      return;
    }
    FileTransfer.start(exchange, file, start, length);
  }

  /** Reads, hashes and keeps the memory copy of a small blob whose file has identity {@code id}. */
  private ByteBuffer copyOf(ServableBlob blob, VerifiedFiles.Identity id) throws IOException {
    try (OpenBlobFiles.Lease file = files.open(blob)) {
      ByteBuffer copy = hot.fill(blob.sha512(), blob.size(), id, file.channel());
      verified.verified(blob.sha512(), id);
      return copy;
    }
  }

  private static void putValidators(HttpServerExchange exchange, BlobValidators validators) {
    HeaderMap out = exchange.getResponseHeaders();
    out.put(Headers.ETAG, validators.etag());
    out.put(Headers.LAST_MODIFIED, validators.lastModifiedHeader());
    out.put(Headers.ACCEPT_RANGES, "bytes");
  }

  private static List<String> values(HeaderValues values) {
    return values == null ? List.of() : List.copyOf(values);
  }
}
