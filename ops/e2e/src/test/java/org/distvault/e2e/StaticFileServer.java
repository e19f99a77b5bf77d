package org.distvault.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server for one directory, standing in for an upstream distfile site. Every
 * request is remembered (and, when run as a program, printed) as {@code CLIENT METHOD PATH STATUS},
 * so a test can prove who did and did not reach upstream.
 *
 * <p>As a program: {@code StaticFileServer DIR ADDRESS PORT} prints {@code listening URL} and
 * then one line per request, until killed. It runs in another network namespace this way.
 */
public final class StaticFileServer implements AutoCloseable {
  private final HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final PrintStream log;

  private StaticFileServer(Path root, InetSocketAddress address, PrintStream log) throws IOException {
    this.log = log;
    this.server = HttpServer.create(address, 16);
    Path base = root.toAbsolutePath().normalize();
    server.createContext("/", exchange -> serve(base, exchange));
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "static-file-server");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** Serves ROOT on 127.0.0.1 and a free port. */
  public static StaticFileServer start(Path root) throws IOException {
    return new StaticFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: StaticFileServer DIR ADDRESS PORT");
      System.exit(2);
    }
    StaticFileServer s = new StaticFileServer(Path.of(args[0]),
        new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])), System.out);
    System.out.println("listening " + s.url());
    System.out.flush();
  }

  /** The base URL with the trailing slash, e.g. {@code http://127.0.0.1:40123/}. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/";
  }

  /** Every request so far, as {@code CLIENT METHOD PATH STATUS}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void serve(Path root, HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      Path file = root.resolve(path.substring(1)).normalize();
      boolean found = file.startsWith(root) && Files.isRegularFile(file);
      int status = found ? 200 : 404;
      String line = exchange.getRemoteAddress().getAddress().getHostAddress() + " "
          + exchange.getRequestMethod() + " " + path + " " + status;
      requests.add(line);
      if (log != null) {
        log.println(line);
        log.flush();
      }
      if (!found) {
        byte[] body = ("not found: " + path + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : Files.size(file));
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          Files.copy(file, out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
