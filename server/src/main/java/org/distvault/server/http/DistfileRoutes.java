package org.distvault.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.distvault.server.health.Unavailable;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.Resolution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The handler for the public serving routes ({@code /distfiles/}, {@code /pkg/}, {@code /run/},
 * {@code /set/}, {@code /by-hash/}): checks the request line, looks the blob up in a {@link
 * BlobSource} (in the request's source set) and hands it to the {@link BlobResponder}.
 *
 * <p>The path is taken from {@link HttpServerExchange#getRequestURI()}, the raw target without the
 * query string. It is not {@code getRequestPath()}, which drops {@code ;...} (Undertow parses that
 * as path parameters) and is decoded unless {@code DECODE_URL} is off. Every request, on a serving
 * route or not, is checked by {@link RequestTargetParser} first: hostile targets get 400 with a
 * one-line reason and never reach the {@code BlobSource}. CONNECT and absolute-form targets
 * ({@code GET http://host/...}) get 400; other methods than GET and HEAD on a serving route get 405
 * with {@code Allow: GET, HEAD}. Paths outside the serving routes go to {@code next}. Misses go to
 * the {@link MissHandler} (by default: 404 with a one-line body), on the worker thread and before
 * anything is sent.
 *
 * <p>Threads: lookups that may block (the catalog) and miss handling run on a worker thread; a
 * miss answered {@link MissAnswer.Later later} (an offline miss, once its violation is durable)
 * does not hold the worker while it waits, and is answered on the I/O thread. A miss the {@link
 * BlobSource} knows from memory ({@link BlobSource#unknownInMemory}) that the {@link MissHandler}
 * can answer without blocking ({@link MissHandler#answerWithoutBlocking}: a violation, queued to be
 * recorded) needs no worker at all. A hit the {@link BlobSource} knows from memory
 * ({@link BlobSource#findInMemory}) of at most {@link #IO_THREAD_MAX_BYTES} is answered on the I/O
 * thread that read the request, as nginx does: no hand-over to a worker and back. Answers decided
 * on a worker (misses' one-line replies, small blobs) are handed back to the connection's I/O
 * thread to be sent, so that the exchange also ends there: Undertow 2.4 starts reading the
 * connection's next request with a busy-wait on the I/O thread while an exchange ends on another
 * thread, which on a loaded machine burnt most of the I/O threads' CPU.
 */
public final class DistfileRoutes implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(DistfileRoutes.class);

  /**
   * Largest blob answered or started on an I/O thread: its file is opened and its first bytes
   * read there, which for a small file in the page cache costs less than a thread hand-over.
   */
  public static final long IO_THREAD_MAX_BYTES = 256 * 1024;

  /** The answer for paths outside every route: 404 naming the routes that exist. */
  public static final HttpHandler NO_SUCH_ROUTE = exchange -> OneLineReply.send(exchange,
      StatusCodes.NOT_FOUND,
      "no such route: use /distfiles/<name>, /pkg/<category>/<package>/<name> (either under /set/<set>/)"
          + " or /by-hash/<alg>/<hex>");

  /** The miss handler when none is given: 404 saying what was not found. */
  public static final MissHandler PLAIN_MISS = miss -> MissAnswer.notFound(missMessage(miss.target()));

  private final BlobSource source;
  private final MissHandler misses;
  private final HttpHandler next;
  private final RequestTargetParser parser = new RequestTargetParser();
  private final BlobResponder responder;

  /** Routes over {@code source}, reading blobs through {@code files}; other paths get 404. */
  public DistfileRoutes(BlobSource source, OpenBlobFiles files) {
    this(source, PLAIN_MISS, NO_SUCH_ROUTE, files);
  }

  /**
   * Routes over {@code source}, reading blobs through {@code files} (which the caller closes after
   * the server stops); misses go to {@code misses}; well-formed paths outside the serving routes
   * go to {@code next}.
   */
  public DistfileRoutes(BlobSource source, MissHandler misses, HttpHandler next, OpenBlobFiles files) {
    this.source = Objects.requireNonNull(source, "source");
    this.misses = Objects.requireNonNull(misses, "misses");
    this.next = Objects.requireNonNull(next, "next");
    this.responder = new BlobResponder(files, new VerifiedFiles());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    HttpString method = exchange.getRequestMethod();
    if (method.equals(Methods.CONNECT)) {
      OneLineReply.send(exchange, StatusCodes.BAD_REQUEST, "CONNECT is not supported: this is not a proxy");
      return;
    }
    if (exchange.isHostIncludedInRequestURI()) {
      OneLineReply.send(exchange, StatusCodes.BAD_REQUEST,
          "absolute-form request target not accepted: send only the path");
      return;
    }
    Optional<RequestTarget> target;
    try {
      target = parser.parse(exchange.getRequestURI());
    } catch (BadRequestTargetException e) {
      OneLineReply.send(exchange, StatusCodes.BAD_REQUEST, "bad request path: " + e.getMessage());
      return;
    }
    if (target.isEmpty()) {
      next.handleRequest(exchange);
      return;
    }
    if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      OneLineReply.send(exchange, StatusCodes.METHOD_NOT_ALLOWED, method + " not allowed: use GET or HEAD");
      return;
    }
    RequestTarget found = target.get();
    exchange.putAttachment(AccessLogHandler.TARGET, found);
    Optional<ServableBlob> known = exchange.isInIoThread() ? inMemory(found) : Optional.empty();
    if (known.isPresent() && known.get().size() <= IO_THREAD_MAX_BYTES) {
      respond(exchange, found, known.get(), Attempt.FIRST);
      return;
    }
    if (known.isEmpty() && exchange.isInIoThread() && missInMemory(exchange, found)) {
      return;
    }
    exchange.dispatch(worker -> serve(worker, found, Attempt.FIRST));
  }

  /**
   * Answers on the I/O thread a miss the source knows from memory ({@link
   * BlobSource#unknownInMemory}: none of the request's names is in its set), when the miss handler
   * can answer it without blocking (an offline miss: its violation is queued, and the 404 is sent
   * from this thread once it is durable). False when either cannot: then a worker serves it.
   */
  private boolean missInMemory(HttpServerExchange exchange, RequestTarget target) {
    if (!(target instanceof DistfileRequest request)) {
      return false;
    }
    Optional<MissAnswer> answer;
    try {
      Optional<List<Resolution>> unknown =
          source.unknownInMemory(request.set(), request.pkgPath(), request.candidates());
      if (unknown.isEmpty()) {
        return false;
      }
      answer = misses.answerWithoutBlocking(miss(exchange, target, unknown.get()));
    } catch (RuntimeException e) {
      // E.g. the vault is closing: let the worker path answer (and log) it.
      return false;
    }
    if (answer.isEmpty()) {
      return false;
    }
    if (!sendMissAnswer(exchange, answer.get())) {
      ServableBlob blob = ((MissAnswer.Serve) answer.get()).blob();
      exchange.dispatch(worker -> respond(worker, target, blob, Attempt.FIRST));
    }
    return true;
  }

  /**
   * Sends a miss handler's reply from the connection's I/O thread, now ({@link MissAnswer.Reply})
   * or once it is decided ({@link MissAnswer.Later}); false for a blob to serve ({@link
   * MissAnswer.Serve}), which the caller sends.
   */
  private static boolean sendMissAnswer(HttpServerExchange exchange, MissAnswer answer) {
    if (answer instanceof MissAnswer.Reply reply) {
      onIoThread(exchange, io -> OneLineReply.send(io, reply.status(), reply.line()));
      return true;
    }
    if (answer instanceof MissAnswer.Later later) {
      // The exchange stays open once this thread returns, and is answered on its I/O thread.
      exchange.dispatch(SameThreadExecutor.INSTANCE, () -> later.reply().whenComplete((reply, failure) ->
          exchange.dispatch(exchange.getIoThread(), io -> replyLater(io, reply, failure))));
      return true;
    }
    return false;
  }

  /**
   * The blob the source knows from memory for the request's first candidate name. Only the first:
   * a later candidate wins only when the earlier ones are misses, which memory cannot tell.
   */
  private Optional<ServableBlob> inMemory(RequestTarget target) {
    if (!(target instanceof DistfileRequest request)) {
      return Optional.empty();
    }
    try {
      return source.findInMemory(request.set(), request.pkgPath(), request.rawName()); // the first candidate
    } catch (RuntimeException e) {
      // E.g. the vault is closing: let the worker path answer (and log) it.
      return Optional.empty();
    }
  }

  /** Whether a request is served the first time, or again after its blob was found missing or corrupt. */
  private enum Attempt { FIRST, AGAIN }

  private void serve(HttpServerExchange exchange, RequestTarget target, Attempt attempt) {
    Optional<ServableBlob> blob;
    try {
      List<Resolution> lookups = new ArrayList<>();
      blob = lookup(target, lookups);
      if (blob.isEmpty()) {
        MissAnswer answer = misses.answer(miss(exchange, target, lookups));
        if (sendMissAnswer(exchange, answer)) {
          return;
        }
        blob = Optional.of(((MissAnswer.Serve) answer).blob());
      }
    } catch (Unavailable e) {
      // Degraded (e.g. the catalog cannot record the violation): Health logged the change once.
      OneLineReply.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, e.getMessage());
      return;
    } catch (BackendUnavailableException e) {
      // The blob store (e.g. the bucket of --blob-store) cannot give a bound blob now: not a miss,
      // and not the build's fault, so no violation; the client may try again.
      // The cause (bucket, key, endpoint) goes to the log only: build hosts need not see it.
      log.warn("cannot answer {}: the blob store failed: {}", exchange.getRequestURI(), e.getMessage());
      OneLineReply.send(exchange, StatusCodes.SERVICE_UNAVAILABLE,
          "the blob store cannot be read now (" + e.operation() + "): try again later; the server log says why");
      return;
    } catch (IOException | RuntimeException e) {
      // Lookup or miss handling failed: nothing was sent.
      log.error("cannot answer {}: {}", exchange.getRequestURI(), e.toString(), e);
      OneLineReply.send(exchange, StatusCodes.INTERNAL_SERVER_ERROR,
          "cannot answer this request now: " + e.getMessage() + " (see the server log)");
      return;
    }
    ServableBlob found = blob.get();
    if (found.size() <= IO_THREAD_MAX_BYTES) {
      onIoThread(exchange, io -> respond(io, target, found, attempt));
    } else {
      respond(exchange, target, found, attempt);
    }
  }

  /** Sends a reply decided later ({@link MissAnswer.Later}), or the failure to decide it. */
  private static void replyLater(HttpServerExchange exchange, MissAnswer.Reply reply, Throwable failure) {
    Throwable e = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    if (e == null) {
      OneLineReply.send(exchange, reply.status(), reply.line());
    } else if (e instanceof Unavailable u) {
      OneLineReply.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, u.getMessage());
    } else {
      log.error("cannot answer {}: {}", exchange.getRequestURI(), e.toString(), e);
      OneLineReply.send(exchange, StatusCodes.INTERNAL_SERVER_ERROR,
          "cannot answer this request now: " + e.getMessage() + " (see the server log)");
    }
  }

  /** Continues the exchange on its connection's I/O thread once the current handler returns. */
  private static void onIoThread(HttpServerExchange exchange, HttpHandler next) {
    exchange.dispatch(exchange.getIoThread(), next);
  }

  /**
   * Sends {@code blob}. A blob whose file is gone or does not hold its bytes is taken out of service
   * and the request answered again, as the miss it now is (a violation when sealed), once; when
   * the body had begun, the connection was closed short and the miss is only recorded. Any other
   * failure before anything was sent is a 500.
   */
  private void respond(HttpServerExchange exchange, RequestTarget target, ServableBlob blob, Attempt attempt) {
    try {
      responder.respond(exchange, blob);
    } catch (NoSuchFileException | CorruptBlobException e) {
      if (exchange.isResponseStarted()) {
        // Cut short by the verifying transfer, on this worker thread: put the blob aside, record the miss.
        takeOutOfService(exchange, blob, e);
        recordMiss(exchange, target);
        return;
      }
      exchange.dispatch(worker -> {
        takeOutOfService(worker, blob, e);
        if (attempt == Attempt.FIRST) {
          worker.getResponseHeaders().clear();
          serve(worker, target, Attempt.AGAIN);
        } else {
          OneLineReply.send(worker, StatusCodes.INTERNAL_SERVER_ERROR, "cannot read the stored blob (see the server log)");
        }
      });
    } catch (IOException | RuntimeException e) {
      log.warn("cannot serve {}: {}", exchange.getRequestURI(), e.toString());
      if (exchange.isResponseStarted()) {
        IoUtils.safeClose(exchange.getConnection());
        return;
      }
      exchange.getResponseHeaders().clear();
      OneLineReply.send(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "cannot read the stored blob (see the server log)");
    }
  }

  private void takeOutOfService(HttpServerExchange exchange, ServableBlob blob, IOException why) {
    try {
      if (why instanceof CorruptBlobException c) {
        log.warn("cannot serve {}: {}; taken out of service", exchange.getRequestURI(), c.getMessage());
        source.corrupt(blob, c.reason());
      } else {
        String file = "the file of stored blob " + blob.sha512().hex() + " is missing";
        if (source.missing(blob)) {
          log.warn("cannot serve {}: {}; taken out of service", exchange.getRequestURI(), file);
        } else {
          // E.g. a cache tier's copy evicted or removed: the blob is still whole in its store.
          log.info("cannot serve {}: {}; asked for again", exchange.getRequestURI(), file);
        }
      }
    } catch (RuntimeException e) {
      log.error("cannot take blob {} out of service: {}", blob.sha512().hex(), e.toString());
    }
  }

  /** Records the miss a request became after its body was cut short; no answer can be sent. */
  private void recordMiss(HttpServerExchange exchange, RequestTarget target) {
    try {
      if (misses.answer(miss(exchange, target, List.of())) instanceof MissAnswer.Later later) {
        later.reply().whenComplete((reply, failure) -> {
          if (failure != null) {
            log.error("cannot record the miss of {} after its blob was taken out of service: {}",
                exchange.getRequestURI(), failure.toString());
          }
        });
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot record the miss of {} after its blob was taken out of service: {}",
          exchange.getRequestURI(), e.toString());
    } finally {
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  private static Miss miss(HttpServerExchange exchange, RequestTarget target, List<Resolution> lookups) {
    InetSocketAddress source = exchange.getSourceAddress();
    String client = source == null || source.getAddress() == null
        ? "unknown" : source.getAddress().getHostAddress();
    return new Miss(target, exchange.getRequestMethod().toString(), exchange.getRequestURI(), client,
        Optional.ofNullable(exchange.getRequestHeaders().getFirst(Headers.USER_AGENT)), lookups);
  }

  /** The blob of the first candidate name that has one; the store's answer of each miss goes to {@code lookups}. */
  private Optional<ServableBlob> lookup(RequestTarget target, List<Resolution> lookups) throws IOException {
    if (target instanceof HashRequest hash) {
      return source.findByHash(hash.digest());
    }
    DistfileRequest request = (DistfileRequest) target;
    for (DistfileName name : request.candidates()) {
      Lookup found = source.find(request.set(), request.pkgPath(), name);
      if (found.blob().isPresent()) {
        return found.blob();
      }
      found.resolution().ifPresent(lookups::add);
    }
    return Optional.empty();
  }

  /** The one-line reason of a miss when nothing more is known: what was looked for. */
  public static String missMessage(RequestTarget target) {
    if (target instanceof HashRequest hash) {
      return "no stored blob has " + hash.digest().algorithm().urlName() + " " + hash.digest().hex();
    }
    DistfileRequest request = (DistfileRequest) target;
    return "not in the cache: " + request.rawName()
        + request.decodedName().map(d -> " (nor, decoded, " + d + ")").orElse("")
        + request.pkgPath().map(p -> " for " + p).orElse("")
        + (request.set().isDefault() ? "" : " in set " + request.set());
  }
}
