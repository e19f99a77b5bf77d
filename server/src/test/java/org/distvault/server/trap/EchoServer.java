package org.distvault.server.trap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback echo service (the stand-in for a distcc server): every connection gets back exactly
 * what it sends, and is closed after the client half-closes.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  final AtomicInteger accepted = new AtomicInteger();

  EchoServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "echo-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        Thread t = new Thread(() -> echo(s), "echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void echo(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the tunnel was closed under us (idle timeout test): nothing to echo any more
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
