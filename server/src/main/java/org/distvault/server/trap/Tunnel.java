package org.distvault.server.trap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code CONNECT} tunnel between a client and an allow-listed host: bytes copied both ways until
 * both sides are done, counted.
 *
 * <p>The calling thread copies client to host, a pump thread host to client. An end of stream on
 * one side half-closes the other side's output; a reset closes both. A watchdog calls {@link
 * #closeIfIdle} periodically: a tunnel that carried no byte either way for the idle timeout (also
 * one stuck in a write nobody reads) has both sockets closed, which ends both copies. The caller
 * closes the sockets afterwards.
 */
final class Tunnel {
  private static final Logger log = LoggerFactory.getLogger(Tunnel.class);
  private static final int BUFFER = 16 * 1024;

  private final Socket client;
  private final Socket host;
  private final long idleNanos;
  private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong down = new AtomicLong();
  private final AtomicBoolean idleClosed = new AtomicBoolean();

  Tunnel(Socket client, Socket host, long idleNanos) {
    this.client = client;
    this.host = host;
    this.idleNanos = idleNanos;
  }

  /**
   * Copies until both directions are done.
   *
   * @param leftover bytes the client sent after its {@code CONNECT} head, sent to the host first
   * @param pumps runs the host-to-client copy
   * @throws java.util.concurrent.RejectedExecutionException when {@code pumps} is full
   */
  TunnelResult run(byte[] leftover, ExecutorService pumps) throws IOException {
    if (leftover.length > 0) {
      host.getOutputStream().write(leftover);
      up.addAndGet(leftover.length);
    }
    Future<?> back = pumps.submit(() -> copy(host, client, down));
    copy(client, host, up);
    try {
      back.get();
    } catch (ExecutionException e) {
      log.debug("tunnel pump failed: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeBoth();
    }
    return idleClosed.get() ? TunnelResult.IDLE_TIMEOUT : TunnelResult.CLOSED;
  }

  long bytesUp() {
    return up.get();
  }

  long bytesDown() {
    return down.get();
  }

  /** Closes both sockets if the tunnel has been idle for the timeout; the watchdog's check. */
  void closeIfIdle(long nowNanos) {
    if (nowNanos - lastActivity.get() >= idleNanos && idleClosed.compareAndSet(false, true)) {
      closeBoth();
    }
  }

  private void copy(Socket from, Socket to, AtomicLong counter) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        lastActivity.set(System.nanoTime());
        out.write(buf, 0, n);
        counter.addAndGet(n);
        lastActivity.set(System.nanoTime());
      }
      // End of stream: pass the half-close on; the other direction may still carry bytes.
      if (!to.isClosed()) {
        to.shutdownOutput();
      }
    } catch (IOException e) {
      // A reset, or the sockets closed by the watchdog or by shutdown: the tunnel is over.
      closeBoth();
    }
  }

  private void closeBoth() {
    close(client);
    close(host);
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      log.debug("closing a tunnel socket: {}", e.toString());
    }
  }
}
