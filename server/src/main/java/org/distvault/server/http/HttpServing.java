package org.distvault.server.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * A running Undertow HTTP listener configured for distfile serving; closing it stops the server.
 *
 * <p>URL decoding is off ({@code UndertowOptions.DECODE_URL=false}): names are matched as sent,
 * and {@link DistfileRoutes} decodes them itself. Undertow's own parser still answers some hostile
 * request lines with an empty 400 before any handler runs (raw backslash, control or non-ASCII
 * bytes, {@code #}, invalid percent escapes).
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

  private final Undertow undertow;
  private final DefaultByteBufferPool buffers;
  private final GracefulShutdownHandler gate;
  private final InetSocketAddress address;
  private final Duration drainTimeout;
  private boolean closed;
  private final AutoCloseable afterStop;

  private HttpServing(
      Undertow undertow, DefaultByteBufferPool buffers, GracefulShutdownHandler gate, InetSocketAddress address,
      Duration drainTimeout, AutoCloseable afterStop) {
    this.undertow = undertow;
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
   */
  public static HttpServing start(HttpHandler handler, ServingConfig config, AutoCloseable afterStop) {
    int timeoutMillis = (int) config.idleTimeout().toMillis();
    GracefulShutdownHandler gate = new GracefulShutdownHandler(handler);
    // Undertow's own pool keeps only 4 buffers per thread and none shared, so a busy I/O thread
    // allocated and freed direct memory on every request.
    DefaultByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_BYTES, 1024, 16);
    Undertow undertow = Undertow.builder()
        .addHttpListener(config.port(), config.host())
        .setWorkerThreads(config.workerThreads())
        .setByteBufferPool(buffers)
        .setServerOption(UndertowOptions.DECODE_URL, false)
        // Chunked uploads are checked against this server-wide limit while parsing; each admin
        // route enforces its own body limit, so the server-wide one is lifted.
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
        // UndertowOptions.IDLE_TIMEOUT has no effect on HTTP/1.1 connections in Undertow 2.4.4 (the
        // idle conduit is installed without a timeout). XNIO's WRITE_TIMEOUT must be a socket
        // option to reach accepted connections; it cuts a client that stops reading.
        .setSocketOption(Options.WRITE_TIMEOUT, timeoutMillis)
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, timeoutMillis)
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, timeoutMillis)
        // Bounds how long Undertow.stop() waits for worker tasks after the drain.
        .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, (int) config.drainTimeout().toMillis())
        .setHandler(gate)
        .build();
    undertow.start();
    InetSocketAddress bound = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    return new HttpServing(undertow, buffers, gate, bound, config.drainTimeout(), afterStop);
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code http://host:port/}. */
  public URI baseUri() {
    String host = address.getAddress().getHostAddress();
    if (address.getAddress() instanceof Inet6Address) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
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
    undertow.stop();
    buffers.close(); // given to Undertow, so not Undertow's to close
    try {
      afterStop.close();
    } catch (Exception e) {
      log.warn("cannot release {} after stopping: {}", afterStop, e.toString());
    }
  }
}
