package org.distvault.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream distfile site on 127.0.0.1 (the JDK's HTTP server), one behaviour per path, that
 * counts the requests per path and the requests in progress at once. Unknown paths get 404.
 */
public final class Upstream implements AutoCloseable {
  /** What the server does for one path. */
  @FunctionalInterface
  public interface Behaviour {
    void serve(HttpExchange ex) throws IOException, InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger inProgress = new AtomicInteger();
  private final AtomicInteger maxInProgress = new AtomicInteger();

  public Upstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The full URL of {@code path}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public Upstream on(String path, Behaviour b) {
    behaviours.put(path, b);
    return this;
  }

  /** Serves {@code content} with a Content-Length. */
  public static Behaviour file(byte[] content) {
    return ex -> {
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, content.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(content);
      }
    };
  }

  public int requests(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  public int totalRequests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int inProgress() {
    return inProgress.get();
  }

  public int maxInProgress() {
    return maxInProgress.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    maxInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
    try (ex) {
      Behaviour b = behaviours.get(path);
      if (b == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      b.serve(ex);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inProgress.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
