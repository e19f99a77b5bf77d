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

/**
 * A hand-written HTTP/1.1 server on 127.0.0.1 for what HttpServer cannot do: a body cut short
 * under a Content-Length, and a connection reset (RST) in the middle of the body.
 *
 * <p>Paths: {@code /truncated} announces {@code size} bytes and sends half then closes;
 * {@code /reset} announces {@code size} bytes, sends half, then resets the connection.
 */
public final class RawUpstream implements AutoCloseable {
  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final byte[] body;

  public RawUpstream(byte[] body) throws IOException {
    this.body = body;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
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
