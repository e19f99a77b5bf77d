package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.health.NoSpace;
import org.distvault.server.replica.ReadOnlyException;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.record.FrozenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The plumbing every ingest route shares, written once: it moves the request to a worker thread
 * in blocking mode, answers other methods with 405, asks the {@link UploadGate} before the body
 * is touched (409), raises Undertow's request-body limit (2 MiB by default) to the route's own,
 * and turns the action's {@link Reply} or {@link ApiException} into a JSON response and one
 * {@link IngestListener} call. A write that fails for want of space (a full data file system)
 * becomes a 507 with a one-line error; anything else unexpected becomes a 500 with a one-line error
 * and a log entry.
 *
 * <p><b>Server setting this relies on:</b> Undertow checks a <em>chunked</em> body against the
 * server-wide {@code UndertowOptions.MAX_ENTITY_SIZE} (2 MiB unless set) fixed when the request is
 * parsed, before any handler runs; {@code setMaxEntitySize} here only governs bodies with a
 * Content-Length. The server must therefore set that option to {@code -1} (no limit) or to at
 * least the store's largest blob plus one; each route enforces its own limit ({@link BoundedBody},
 * the vault's writer).
 */
public final class JsonEndpoint implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(JsonEndpoint.class);

  /** How much of an oversized body is read and discarded before the connection is closed. */
  public static final long LINGER_BYTES = 1 << 20;

  /**
   * What an action answers.
   *
   * @param result the listener result, or {@code null} when the action told the listener itself
   */
  public record Reply(int status, Object body, String result) {
    /** 200 with {@code body}, told to no listener. */
    public static Reply ok(Object body) {
      return new Reply(200, body, null);
    }
  }

  /** A reply body that is not JSON: sent as it is, with its content type. */
  public record Text(String contentType, String text) {}

  /** The reply body of an action that has sent its response itself (a streamed one). */
  public record Sent() {}

  /**
   * The route's own work, on a worker thread with blocking streams. {@code body} is the request
   * body, failing with {@link BoundedBody.TooLargeException} past the route's limit; a read error
   * becomes an {@link ApiException} through {@link #readFailure}.
   */
  @FunctionalInterface
  public interface Action {
    Reply handle(HttpServerExchange exchange, InputStream body) throws IOException, ApiException;
  }

  private final String kind;
  private final HttpString method;
  private final long maxBodyBytes;
  private final UploadGate gate;
  private final IngestListener listener;
  private final Action action;

  /**
   * @param kind the listener kind ({@code blob}, {@code manifest}, ...)
   * @param maxBodyBytes the largest request body the route reads
   * @param gate asked before the body is read; {@link UploadGate#OPEN} for routes that are not
   *     gated
   */
  /**
   * A route that reads or changes state without uploads: no gate, no listener, bodies up to
   * {@link JsonReply#SMALL_BODY}.
   */
  public static JsonEndpoint of(HttpString method, Action action) {
    return new JsonEndpoint("admin", method, JsonReply.SMALL_BODY, UploadGate.OPEN, IngestListener.NONE,
        action);
  }

  public JsonEndpoint(
      String kind, HttpString method, long maxBodyBytes, UploadGate gate, IngestListener listener,
      Action action) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.method = Objects.requireNonNull(method, "method");
    this.maxBodyBytes = maxBodyBytes;
    this.gate = Objects.requireNonNull(gate, "gate");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.action = Objects.requireNonNull(action, "action");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return;
    }
    try {
      if (!method.equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().put(Headers.ALLOW, method.toString());
        throw new ApiException(405, "bad_request", "method " + exchange.getRequestMethod()
            + " is not allowed on " + exchange.getRequestPath() + "; use " + method);
      }
      Optional<String> refusal = gate.refusal();
      if (refusal.isPresent()) {
        throw ApiException.refused(refusal.get());
      }
      long announced = exchange.getRequestContentLength();
      if (announced > maxBodyBytes) {
        exchange.setPersistent(false); // not worth reading only to throw it away
        throw new ApiException(413, "too_large", "request body of " + announced
            + " bytes is larger than this route's limit of " + maxBodyBytes + " bytes");
      }
      exchange.setMaxEntitySize(maxBodyBytes);
      exchange.startBlocking();
      InputStream body = new BoundedBody(exchange.getInputStream(), maxBodyBytes);
      Reply reply;
      try {
        reply = action.handle(exchange, body);
      } catch (FrozenException e) {
        // Past the gate just before the seal: the freeze refused the write, nothing was bound.
        throw ApiException.refused(e.reason());
      } catch (ReadOnlyException e) {
        // A replica's blob backend is read-only: gc and scrub are the primary's.
        throw ApiException.refused(e.getMessage());
      } catch (BackendUnavailableException e) {
        // The blob store (the bucket of --blob-store) cannot be reached: the client may try again.
        throw new ApiException(503, "unavailable", "the blob store cannot be used now (" + e.getMessage()
            + "): try again later");
      }
      if (reply.result() != null) {
        listener.outcome(kind, reply.result());
      }
      if (reply.body() instanceof Sent) {
        return;
      }
      if (reply.body() instanceof Text t) {
        byte[] text = t.text().getBytes(StandardCharsets.UTF_8);
        exchange.setStatusCode(reply.status());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, t.contentType());
        exchange.setResponseContentLength(text.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(text));
      } else {
        JsonReply.send(exchange, reply.status(), reply.body());
      }
    } catch (ApiException e) {
      listener.outcome(kind, e.result());
      if (e.status() >= 500) {
        log.error("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(),
            e.getMessage());
      }
      sendOrClose(exchange, e.status(), e.body());
    } catch (IOException | RuntimeException e) {
      if (NoSpace.in(e)) {
        noSpace(exchange, e);
        return;
      }
      log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      listener.outcome(kind, "error");
      String what = e.getMessage() == null ? e.toString() : e.getMessage();
      sendOrClose(exchange, 500, Map.of("error", JsonReply.oneLine("internal error: " + what)));
    }
  }

  /**
   * 507 for a write that failed because the data file system is full, with the error as one line.
   * Not logged per request: the health monitor logs the file system running low once (a flood of
   * uploads to a full disk must not flood the log). The rest of the body is discarded (up to
   * {@value #LINGER_BYTES} bytes, then the connection is closed) so the client reads the answer.
   */
  private void noSpace(HttpServerExchange exchange, Exception e) {
    log.debug("{} {}: no space: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.toString());
    listener.outcome(kind, "no_space");
    if (!exchange.isRequestComplete()) {
      discardOrClose(exchange);
    }
    String what = e.getMessage() == null ? e.toString() : e.getMessage();
    sendOrClose(exchange, 507, Map.of("error", JsonReply.oneLine(
        "insufficient storage: no space left on the data file system (" + what + ")")));
  }

  /**
   * What a failed read of the request body means: a body above a limit (this route's, or the
   * server's for chunked bodies) is 413 and the connection is closed; anything else is the client
   * breaking off the upload (400; it will hardly see the answer).
   *
   * @param count the bytes read before the failure
   */
  public static ApiException readFailure(HttpServerExchange exchange, IOException e, long count) {
    if (e instanceof BoundedBody.TooLargeException) {
      discardOrClose(exchange);
      return new ApiException(413, "too_large", e.getMessage());
    }
    if (e instanceof RequestTooBigException) {
      exchange.setPersistent(false); // Undertow has already given up on the request
      return new ApiException(413, "too_large", e.getMessage());
    }
    return new ApiException(400, "aborted",
        "request body broken off after " + count + " bytes: " + e.getMessage());
  }

  /**
   * After a body was found too large: reads and discards up to {@value #LINGER_BYTES} more bytes,
   * so that a client slightly over the limit reads the answer instead of a connection reset (it
   * is still sending); a body longer than that is cut off by closing the connection.
   */
  public static void discardOrClose(HttpServerExchange exchange) {
    byte[] buf = new byte[8192];
    long left = LINGER_BYTES;
    try {
      InputStream raw = exchange.getInputStream();
      while (left > 0) {
        int n = raw.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      log.debug("discarding the rest of an oversized body failed: {}", e.toString());
    }
    exchange.setPersistent(false);
  }

  /** Sends the error body, or closes the connection when a response has already begun. */
  private static void sendOrClose(HttpServerExchange exchange, int status, Object body) {
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection());
      return;
    }
    JsonReply.send(exchange, status, body);
  }
}
