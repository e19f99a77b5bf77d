package org.distvault.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback "upstream" that accepts TCP connections, counts them and closes them: any outbound
 * connection distvault opens to a catalogued URL shows up in {@link #accepted()}.
 */
final class CountingUpstream implements AutoCloseable {
  private final ServerSocket socket;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  CountingUpstream() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "counting-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        accepted.incrementAndGet();
      } catch (SocketException e) {
        return; // closed by close()
      } catch (IOException e) {
        throw new IllegalStateException("upstream stub failed", e);
      }
    }
  }

  /** {@code http://127.0.0.1:PORT/<path>}. */
  String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/" + path;
  }

  int accepted() {
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
