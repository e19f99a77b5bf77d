package org.distvault.server.trap;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.ViolationRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress trap proxy: an HTTP forward proxy that forwards nothing but {@code CONNECT} tunnels to
 * allow-listed hosts, and records every other attempt as an {@code egress} violation before
 * answering it with a one-line 403.
 *
 * <p>A blocking server: one acceptor thread, at most {@link TrapConfig#maxConnections} connection
 * threads (a connection beyond is answered 503 and closed at once), one pump thread per open
 * tunnel, and a watchdog thread that closes idle tunnels. No thread waits without a bound: a
 * request head has a deadline, answers drain for a bounded moment, tunnels have an idle timeout,
 * and {@link #close} closes every socket still open after the drain time.
 *
 * <p>Thread-safe; {@code close} is idempotent.
 */
public final class TrapProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrapProxy.class);

  private final TrapConfig config;
  private final ServerSocket server;
  private final ThreadPoolExecutor handlers;
  private final ThreadPoolExecutor pumps;
  private final ScheduledExecutorService watchdog;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  private final ProxyConnection.Shared shared;
  private final TrapObserver observer;
  private final Thread acceptor;
  private volatile boolean closed;

  private TrapProxy(TrapConfig config, ServerSocket server, ViolationRecorder recorder, Supplier<Mode> mode,
      Clock clock, TrapObserver observer) {
    this.config = config;
    this.server = server;
    this.observer = observer;
    // Room for connections that have finished counting but not yet returned their thread.
    this.handlers = pool("distvault-trap-", 2 * config.maxConnections());
    this.pumps = pool("distvault-trap-pump-", 2 * config.maxConnections());
    this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("distvault-trap-watchdog"));
    this.shared = new ProxyConnection.Shared(config, new ProxyRequestParser(config.maxHeaderBytes()), recorder,
        mode, clock, observer, pumps, tunnels, open, active::decrementAndGet);
    this.acceptor = new Thread(this::acceptLoop, "distvault-trap-accept");
    this.acceptor.setDaemon(true);
  }

  /**
   * Binds and starts accepting.
   *
   * @param mode the mode in force, recorded with each egress violation
   * @throws IOException when the address cannot be bound
   */
  public static TrapProxy start(TrapConfig config, ViolationRecorder recorder, Supplier<Mode> mode, Clock clock,
      TrapObserver observer) throws IOException {
    Objects.requireNonNull(config, "config");
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 128);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    TrapProxy proxy = new TrapProxy(config, server, Objects.requireNonNull(recorder, "recorder"),
        Objects.requireNonNull(mode, "mode"), Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(observer, "observer"));
    long tick = Math.max(50, Math.min(1000, config.idleTimeout().toMillis() / 4));
    proxy.watchdog.scheduleWithFixedDelay(proxy::closeIdleTunnels, tick, tick, TimeUnit.MILLISECONDS);
    proxy.acceptor.start();
    log.info("trap proxy listening on {}; allowed through CONNECT: {}", proxy.uri(), config.allow());
    return proxy;
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** {@code http://host:port/}, what {@code http_proxy} names (plus the PKGPATH as user). */
  public URI uri() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
  }

  public TrapConfig config() {
    return config;
  }

  /** Connections being handled now (tunnels included). */
  public int activeConnections() {
    return active.get();
  }

  /** Threads busy with connections or tunnel pumps now; 0 when the proxy is idle. */
  int activeThreads() {
    return handlers.getActiveCount() + pumps.getActiveCount();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.error("trap proxy: accept failed: {}", e.toString());
          pause(); // e.g. out of file descriptors: do not spin
        }
        continue;
      }
      open.add(socket);
      if (active.incrementAndGet() > config.maxConnections()) {
        active.decrementAndGet();
        busy(socket);
        continue;
      }
      try {
        handlers.execute(new ProxyConnection(shared, socket));
      } catch (RejectedExecutionException e) {
        active.decrementAndGet();
        busy(socket);
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers 503 on the acceptor thread (a short write to a fresh socket does not block) and closes. */
  private void busy(Socket socket) {
    observer.request(TrapOutcome.BUSY);
    try (socket) {
      byte[] line = ("trap proxy busy: more than " + config.maxConnections() + " connections\n")
          .getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
          + line.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(line);
      out.flush();
    } catch (IOException e) {
      log.debug("trap proxy: answering 503: {}", e.toString());
    } finally {
      open.remove(socket);
    }
  }

  private void closeIdleTunnels() {
    long now = System.nanoTime();
    for (Tunnel t : tunnels) {
      t.closeIfIdle(now);
    }
  }

  /**
   * Stops accepting, gives connections in flight up to {@code drain} to finish, then closes every
   * socket still open (tunnels, slow clients) and stops the threads.
   */
  public void close(Duration drain) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.warn("trap proxy: closing the listener: {}", e.toString());
    }
    handlers.shutdown();
    try {
      if (!handlers.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("trap proxy: {} connections still open after {} s: closing them", active.get(), drain.toSeconds());
      }
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          log.debug("trap proxy: closing a socket: {}", e.toString());
        }
      }
      pumps.shutdown();
      handlers.shutdownNow();
      watchdog.shutdownNow();
      if (!handlers.awaitTermination(5, TimeUnit.SECONDS) || !pumps.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("trap proxy: threads still running after closing every socket");
      }
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("trap proxy on {} stopped", config.host() + ":" + server.getLocalPort());
  }

  /** {@link #close(Duration)} with a drain time of 5 s. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private static ThreadPoolExecutor pool(String prefix, int max) {
    return new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemon(prefix));
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }
}
