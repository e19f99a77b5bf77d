package org.distvault.prefetch.testserver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written HTTP/1.1 server on 127.0.0.1 for what {@link Upstream} (the JDK's HttpServer)
 * cannot do: count TCP connections, including any that never send a request (what "no
 * connection goes upstream" must be checked against), cut a body short under its
 * Content-Length, and reset the connection (RST) in the middle of the body.
 *
 * <p>Paths: {@code /truncated} announces {@code body.length} bytes, sends half, then closes;
 * {@code /reset} does the same but resets the connection; any other request is closed unanswered.
 */
public final class RawUpstream implements AutoCloseable {
  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final AtomicInteger accepted = new AtomicInteger();
  private final byte[] body;

  /** A server that only counts: every connection is closed unanswered. */
  public RawUpstream() throws IOException {
    this(new byte[0]);
  }

  /** A server whose {@code /truncated} and {@code /reset} send half of {@code body}. */
  public RawUpstream(byte[] body) throws IOException {
    this.body = body;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  /** How many TCP connections were accepted, whatever was (or was not) sent on them. */
  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        accepted.incrementAndGet();
        pool.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String requestLine = in.readLine();
      for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
        // skip request headers
      }
      if (requestLine == null) {
        return;
      }
      String path = requestLine.split(" ")[1];
      if (!path.equals("/truncated") && !path.equals("/reset")) {
        return;
      }
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      if (path.equals("/reset")) {
        s.setSoLinger(true, 0); // close() now sends RST instead of FIN
      }
    } catch (IOException e) {
      // The client hung up first; nothing to do.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }
}
