package org.distvault.server.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Where and how {@link HttpServing} listens.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1}
 * @param port the TCP port; 0 picks a free one (read it back from {@link HttpServing#address()})
 * @param connections the connection bounds and timeouts
 * @param drainTimeout how long closing waits for requests in flight to finish before it cuts them
 * @param workerThreads how many requests may block at once (lookups, miss handling; an offline
 *     miss does not hold its thread while its violation is synced)
 * @param tls HTTPS with this context ({@code serve --tls-cert/--tls-key}); empty for plain HTTP
 */
public record ServingConfig(
    String host, int port, ConnectionPolicy connections, Duration drainTimeout, int workerThreads,
    Optional<SSLContext> tls) {
  /** Idle timeout when none is given: see {@link ConnectionPolicy#DEFAULT_IDLE_TIMEOUT}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = ConnectionPolicy.DEFAULT_IDLE_TIMEOUT;

  /** Drain timeout when none is given: long enough for misses and small files, short for systemd. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Worker threads when none are given. Undertow's default, 8 per core, let only 3-6 offline
   * misses share an fsync on 2 cores; idle workers cost only memory.
   */
  public static final int DEFAULT_WORKER_THREADS = 128;

  public ServingConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(connections, "connections");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(tls, "tls");
    if (drainTimeout.isNegative() || drainTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("drain timeout must be between 0 and ~24 days: " + drainTimeout);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (workerThreads < 1) {
      throw new IllegalArgumentException("worker threads must be at least 1, got " + workerThreads);
    }
  }

  /**
   * The given listener, the default connection bounds, and {@code idleTimeout} for every way a
   * connection can make no progress: waiting for a request, for the rest of its head, or for the
   * client to take more response bytes.
   */
  public ServingConfig(String host, int port, Duration idleTimeout, Duration drainTimeout, int workerThreads) {
    this(host, port, ConnectionPolicy.DEFAULTS.withTimeouts(idleTimeout), drainTimeout, workerThreads,
        Optional.empty());
  }

  /** The given listener and timeouts, with the default worker threads. */
  public ServingConfig(String host, int port, Duration idleTimeout, Duration drainTimeout) {
    this(host, port, idleTimeout, drainTimeout, DEFAULT_WORKER_THREADS);
  }

  /** The given listener and idle timeout, with the default drain timeout. */
  public ServingConfig(String host, int port, Duration idleTimeout) {
    this(host, port, idleTimeout, DEFAULT_DRAIN_TIMEOUT);
  }

  /** Loopback only, on {@code port} (0 for any free port), default connection policy. */
  public static ServingConfig loopback(int port) {
    return new ServingConfig("127.0.0.1", port, ConnectionPolicy.DEFAULTS, DEFAULT_DRAIN_TIMEOUT,
        DEFAULT_WORKER_THREADS, Optional.empty());
  }

  /** This config with another connection policy. */
  public ServingConfig withConnections(ConnectionPolicy c) {
    return new ServingConfig(host, port, c, drainTimeout, workerThreads, tls);
  }

  /** This config serving HTTPS with {@code context}. */
  public ServingConfig withTls(SSLContext context) {
    return new ServingConfig(host, port, connections, drainTimeout, workerThreads, Optional.of(context));
  }
}
