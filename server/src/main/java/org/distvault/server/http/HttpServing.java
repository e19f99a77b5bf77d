package org.distvault.server.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * A running Undertow HTTP listener configured for distfile serving; closing it stops the server.
 *
 * <p>URL decoding is off ({@code UndertowOptions.DECODE_URL=false}): names are matched as sent,
 * and {@link DistfileRoutes} decodes them itself. Undertow's own parser still answers some hostile
 * request lines with an empty 400 before any handler runs (raw backslash, control or non-ASCII
 * bytes, {@code #}, invalid percent escapes).
 *
 * <p>Connections are bounded and timed out by the config's {@link ConnectionPolicy}: a {@link
 * ConnectionGate} keeps them within the bounds as they are accepted (closing an idle one to make
 * room, or refusing the new one), so that connections can never use up the file descriptors the
 * catalog, the blob files and the violation log need.
 *
 * <p>Closing is graceful: new requests get 503, requests in flight (including file transfers) get
 * up to {@link ServingConfig#drainTimeout()} to finish, then the listener and the worker threads
 * are stopped, waiting at most as long again for tasks still running. After {@link #close}
 * returns no handler starts again. Thread-safe; {@code close} is idempotent.
 */
public final class HttpServing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServing.class);

  /** Undertow's own default for a JVM with more than 128 MiB of heap. */
  private static final int BUFFER_BYTES = 16 * 1024 - 20;

  /** Undertow's default: one I/O thread per core, at least 2. */
  private static final int IO_THREADS = Math.max(Runtime.getRuntime().availableProcessors(), 2);

  private final XnioWorker worker;
  private final AcceptingChannel<? extends StreamConnection> server;
  private final String scheme;
  private final ConnectionGate connections;
  private final LocalBufferPool buffers;
  private final GracefulShutdownHandler gate;
  private final InetSocketAddress address;
  private final Duration drainTimeout;
  private boolean closed;
  private final AutoCloseable afterStop;

  private HttpServing(XnioWorker worker, AcceptingChannel<? extends StreamConnection> server, String scheme,
      ConnectionGate connections, LocalBufferPool buffers, GracefulShutdownHandler gate,
      InetSocketAddress address, Duration drainTimeout, AutoCloseable afterStop) {
    this.worker = worker;
    this.server = server;
    this.scheme = scheme;
    this.connections = connections;
    this.buffers = buffers;
    this.afterStop = afterStop;
    this.gate = gate;
    this.address = address;
    this.drainTimeout = drainTimeout;
  }

  /** Serves the distfile routes over {@code source}; closing the result also closes their open files. */
  public static HttpServing serve(BlobSource source, ServingConfig config) {
    // No quarantine here: the source's files are replaced only by whoever owns them.
    OpenBlobFiles files = new OpenBlobFiles(DistfileRoutes.IO_THREAD_MAX_BYTES, () -> 0);
    return start(new DistfileRoutes(source, files), config, files);
  }

  /** Starts a listener running {@code handler}, e.g. a {@link DistfileRoutes} chained to more routes. */
  public static HttpServing start(HttpHandler handler, ServingConfig config) {
    return start(handler, config, () -> {});
  }

  /**
   * Starts a listener running {@code handler}; {@code afterStop} (e.g. the routes' {@link
   * OpenBlobFiles}) is closed when the listener has stopped.
   *
   * @throws IllegalStateException when the descriptor limit leaves too little room for
   *     connections (see {@link DescriptorBudget}), or the address cannot be bound
   */
  public static HttpServing start(HttpHandler handler, ServingConfig config, AutoCloseable afterStop) {
    ConnectionPolicy policy = config.connections();
    GracefulShutdownHandler gate = new GracefulShutdownHandler(keepAliveForHttp10(handler));
    // Undertow's own pool keeps only 4 buffers per thread and none shared, so a busy I/O thread
    // allocated and freed direct memory on every request; its DefaultByteBufferPool finds a
    // thread's cache under a lock shared by all threads (see LocalBufferPool).
    LocalBufferPool buffers = new LocalBufferPool(true, BUFFER_BYTES, 1024, 16);
    // Assembled by hand as Undertow.start() does it (same options), for one difference: the
    // accept listener is a ConnectionGate, which Undertow's builder has no place for.
    Xnio xnio = Xnio.getInstance(Undertow.class.getClassLoader());
    XnioWorker worker;
    try {
      worker = xnio.createWorker(OptionMap.builder()
          .set(Options.WORKER_IO_THREADS, IO_THREADS)
          .set(Options.WORKER_TASK_CORE_THREADS, config.workerThreads())
          .set(Options.WORKER_TASK_MAX_THREADS, config.workerThreads())
          .set(Options.TCP_NODELAY, true)
          .set(Options.CORK, true)
          .getMap());
    } catch (IOException e) {
      buffers.close();
      throw new IllegalStateException("cannot start the I/O threads: " + e, e);
    }
    try {
      HttpOpenListener http = new HttpOpenListener(buffers, OptionMap.builder()
          .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
          .set(UndertowOptions.DECODE_URL, false)
          // HTTP/1.1 connections are persistent unless a side says "close": no "Connection:
          // keep-alive" on every response (an HTTP/1.0 client that asks for it still gets it:
          // see keepAliveForHttp10).
          .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
          // Chunked uploads are checked against this server-wide limit while parsing; each admin
          // route enforces its own body limit, so the server-wide one is lifted.
          .set(UndertowOptions.MAX_ENTITY_SIZE, -1L)
          // Waiting for a request to start, on a new or a kept-alive connection. (IDLE_TIMEOUT
          // has no effect on HTTP/1.1 connections in Undertow 2.4.4: the idle conduit is
          // installed without a timeout.)
          .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(policy.idleTimeout()))
          // From the first byte of a request head to its end: cuts slow-header clients.
          .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(policy.requestHeadTimeout()))
          .getMap());
      // Counted after the worker's selectors are open: they are part of the reserve.
      Optional<DescriptorBudget> budget = DescriptorBudget.ofThisProcess(policy.otherDescriptors());
      int max = DescriptorBudget.maxConnections(policy, budget);
      ConnectionGate connections = new ConnectionGate(http, max, Math.min(policy.maxConnectionsPerClient(), max));
      http.setRootHandler(connections.tracking(gate));
      InetSocketAddress where = new InetSocketAddress(InetAddress.getByName(config.host()), config.port());
      OptionMap socketOptions = OptionMap.builder()
              .set(Options.WORKER_IO_THREADS, IO_THREADS)
              .set(Options.TCP_NODELAY, true)
              .set(Options.REUSE_ADDRESSES, true)
              .set(Options.BALANCING_TOKENS, 1)
              .set(Options.BALANCING_CONNECTIONS, 2)
              .set(Options.BACKLOG, 1000)
              // Must be a socket option to reach accepted connections: cuts a client that
              // stops reading.
              .set(Options.WRITE_TIMEOUT, millis(policy.sendTimeout()))
              .getMap();
      AcceptingChannel<? extends StreamConnection> server;
      if (config.tls().isPresent()) {
        // As Undertow's builder does for an HTTPS listener; the TLS connections reach the same
        // gate and HTTP listener as plain ones (an SslConnection is a StreamConnection).
        UndertowXnioSsl ssl = new UndertowXnioSsl(xnio, OptionMap.create(Options.USE_DIRECT_BUFFERS, true),
            config.tls().get());
        @SuppressWarnings({"unchecked", "rawtypes"})
        ChannelListener<AcceptingChannel<SslConnection>> accept = (ChannelListener) connections;
        server = ssl.createSslConnectionServer(worker, where, accept, socketOptions);
      } else {
        server = worker.createStreamConnectionServer(where, connections, socketOptions);
      }
      server.resumeAccepts();
      InetSocketAddress bound = server.getLocalAddress(InetSocketAddress.class);
      log.info("connections: at most {}, {} per client address; idle {} s, request head {} s, send {} s{}",
          max, connections.maxPerClient(), policy.idleTimeout().toSeconds(), policy.requestHeadTimeout().toSeconds(),
          policy.sendTimeout().toSeconds(), budget.map(b -> " (" + b.describe() + ")").orElse(""));
      return new HttpServing(worker, server, config.tls().isPresent() ? "https" : "http", connections, buffers,
          gate, bound, config.drainTimeout(), afterStop);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      buffers.close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + e, e);
    }
  }

  private static int millis(Duration d) {
    return (int) d.toMillis(); // ConnectionPolicy checks the range
  }

  /** The connection bounds in force and the connections open and refused. */
  public ConnectionGate connections() {
    return connections;
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code http://host:port/}, or {@code https://} with TLS. */
  public URI baseUri() {
    String host = address.getAddress().getHostAddress();
    if (address.getAddress() instanceof Inet6Address) {
      host = "[" + host + "]";
    }
    return URI.create(scheme + "://" + host + ":" + address.getPort() + "/");
  }

  /**
   * Stops taking requests, waits for those in flight (bounded by the drain timeout), then stops
   * the listener and the worker threads.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    gate.shutdown();
    try {
      if (!gate.awaitShutdown(drainTimeout.toMillis())) {
        log.warn("requests still running after {} s: stopping anyway", drainTimeout.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while draining requests: stopping now");
    }
    stopWorker();
    buffers.close(); // given to Undertow, so not Undertow's to close
    try {
      afterStop.close();
    } catch (Exception e) {
      log.warn("cannot release {} after stopping: {}", afterStop, e.toString());
    }
  }

  /**
   * {@code next}, with {@code Connection: keep-alive} put on the responses of an HTTP/1.0 request
   * that asked to keep its connection: for HTTP/1.0 only that header makes it persistent, and
   * Undertow sends it only when told to send it on every response ({@code ALWAYS_SET_KEEP_ALIVE},
   * off here). A response that ends the connection gets {@code Connection: close} instead.
   */
  static HttpHandler keepAliveForHttp10(HttpHandler next) {
    return exchange -> {
      if (exchange.isHttp10() && exchange.isPersistent()) {
        exchange.getResponseHeaders().put(Headers.CONNECTION, Headers.KEEP_ALIVE.toString());
      }
      next.handleRequest(exchange);
    };
  }

  /**
   * What Undertow.stop() does: stop listening, then stop the I/O and worker threads, waiting at
   * most the drain timeout for tasks still running.
   */
  private void stopWorker() {
    IoUtils.safeClose(server);
    worker.shutdown();
    try {
      if (!worker.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
