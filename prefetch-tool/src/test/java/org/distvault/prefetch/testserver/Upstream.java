package org.distvault.prefetch.testserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake upstream distfile site for the tests of every module: an HTTP server on 127.0.0.1
 * (the JDK's) that misbehaves on purpose, one behaviour per raw path; unknown paths get 404. It
 * counts requests per path, the requests in progress and their maximum (what a per-host limit
 * must bound), and the arrival time of each request.
 *
 * <p>What HTTP cannot express (a body cut short, a reset, a connection that sends nothing) is
 * {@link RawUpstream}'s.
 */
public final class Upstream implements AutoCloseable {
  /** What the server does for one path. */
  @FunctionalInterface
  public interface Behaviour {
    void serve(HttpExchange ex, int requestNumber) throws IOException, InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(24);
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> prefixes = new ConcurrentHashMap<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger maxInProgress = new AtomicInteger();

  public Upstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The full URL of a path. */
  public String url(String path) {
    return base() + path;
  }

  public Upstream on(String path, Behaviour b) {
    behaviours.put(path, b);
    return this;
  }

  /**
   * Serves the files of {@code dir} under {@code prefix} (ending in {@code /}) like a plain
   * static server: the path is decoded (as nginx does) and mapped into the directory; 404 outside
   * it or for a missing file. Paths given their own behaviour with {@link #on} come first.
   */
  public Upstream onDirectory(String prefix, Path dir) {
    prefixes.put(prefix, (ex, n) -> {
      Path file = dir.resolve(ex.getRequestURI().getPath().substring(prefix.length())).normalize();
      if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
        status(404).serve(ex, n);
        return;
      }
      file(Files.readAllBytes(file)).serve(ex, n);
    });
    return this;
  }

  /** The raw path of every request, in arrival order. */
  public List<String> paths() {
    return List.copyOf(paths);
  }

  public int requests(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  public int totalRequests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** nanoTime of each request to {@code path}, in arrival order. */
  public List<Long> arrivals(String path) {
    return arrivals.getOrDefault(path, List.of());
  }

  /** The requests being answered now. */
  public int inProgress() {
    return inProgress.get();
  }

  /** The most requests that were ever in progress at once. */
  public int maxConcurrent() {
    return maxInProgress.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    int n = requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
    paths.add(path);
    arrivals.computeIfAbsent(path, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
    int now = inProgress.incrementAndGet();
    maxInProgress.accumulateAndGet(now, Math::max);
    try (ex) {
      Behaviour b = behaviours.get(path);
      if (b == null) {
        b = prefixes.entrySet().stream().filter(e -> path.startsWith(e.getKey())).map(Map.Entry::getValue)
            .findFirst().orElse(null);
      }
      if (b == null) {
        status(404).serve(ex, n);
      } else {
        b.serve(ex, n);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client went away (e.g. it stopped an endless body): expected for some behaviours.
    } finally {
      inProgress.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      // A behaviour still sleeping or waiting on a latch must not outlive the test.
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- behaviours ----

  /** 200 with these bytes and a Content-Length. */
  public static Behaviour file(byte[] body) {
    return (ex, n) -> {
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      ex.getResponseBody().write(body);
    };
  }

  /** 200 with these bytes, chunked (no Content-Length). */
  public static Behaviour chunked(byte[] body) {
    return (ex, n) -> {
      ex.sendResponseHeaders(200, 0);
      ex.getResponseBody().write(body);
    };
  }

  public static Behaviour status(int code) {
    return (ex, n) -> {
      byte[] body = ("error " + code + "\n").getBytes(StandardCharsets.US_ASCII);
      ex.getResponseHeaders().set("Content-Type", "text/plain");
      ex.sendResponseHeaders(code, body.length);
      ex.getResponseBody().write(body);
    };
  }

  /** An HTML error page with status 200, labelled with {@code contentType}. */
  public static Behaviour htmlPage(String contentType, int padTo) {
    return (ex, n) -> {
      String page = "\n  <!DOCTYPE html><html><body>Please log in to the portal</body></html>\n";
      byte[] body = (page + " ".repeat(Math.max(0, padTo - page.length()))).getBytes(StandardCharsets.US_ASCII);
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
    };
  }

  /** Sends {@code body} in {@code chunks} pieces with {@code pauseMillis} between them. */
  public static Behaviour trickle(byte[] body, int chunks, long pauseMillis) {
    return (ex, n) -> {
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      int step = Math.max(1, body.length / chunks);
      for (int off = 0; off < body.length; off += step) {
        out.write(body, off, Math.min(step, body.length - off));
        out.flush();
        Thread.sleep(pauseMillis);
      }
    };
  }

  /** Sends half of {@code body}, waits for {@code release} (at most 60 s), sends the rest. */
  public static Behaviour halfThenWait(byte[] body, CountDownLatch release) {
    return (ex, n) -> {
      ex.sendResponseHeaders(200, body.length);
      OutputStream out = ex.getResponseBody();
      int half = body.length / 2;
      out.write(body, 0, half);
      out.flush();
      release.await(60, TimeUnit.SECONDS);
      out.write(body, half, body.length - half);
    };
  }

  /** A chunked body that never ends (bounded: gives up after 256 MiB or when the client leaves). */
  public static Behaviour endless() {
    return (ex, n) -> {
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      byte[] junk = new byte[8192];
      for (int i = 0; i < 32 * 1024; i++) {
        out.write(junk);
      }
    };
  }

  public static Behaviour redirect(String location) {
    return (ex, n) -> {
      ex.getResponseHeaders().set("Location", location);
      ex.sendResponseHeaders(302, -1);
    };
  }

  /** {@code status} with {@code Retry-After: retryAfter} the first time, then {@code then}. */
  public static Behaviour busyOnce(int status, String retryAfter, Behaviour then) {
    return (ex, n) -> {
      if (n > 1) {
        then.serve(ex, n);
        return;
      }
      ex.getResponseHeaders().set("Retry-After", retryAfter);
      ex.sendResponseHeaders(status, -1);
    };
  }

  /** Waits before answering (a slow server), bounded by the client's idle timeout in tests. */
  public static Behaviour silentFor(long millis, Behaviour then) {
    return (ex, n) -> {
      Thread.sleep(millis);
      then.serve(ex, n);
    };
  }
}
