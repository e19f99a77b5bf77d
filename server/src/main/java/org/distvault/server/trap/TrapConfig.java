package org.distvault.server.trap;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run the trap proxy ({@code --trap-proxy HOST:PORT}, {@code --trap-allow}).
 *
 * @param host the address to listen on
 * @param port the TCP port; 0 picks a free one
 * @param allow the hosts whose {@code CONNECT} tunnels are forwarded
 * @param maxConnections connections handled at once; one more is answered 503 and closed
 * @param maxHeaderBytes the most a request line and its headers may take; more is answered 431
 * @param headerDeadline how long a client has to send its whole request head (slowloris: 408)
 * @param connectTimeout how long connecting to an allow-listed host may take (then 504)
 * @param idleTimeout how long a tunnel may carry no byte in either direction before it is closed
 */
public record TrapConfig(
    String host,
    int port,
    AllowList allow,
    int maxConnections,
    int maxHeaderBytes,
    Duration headerDeadline,
    Duration connectTimeout,
    Duration idleTimeout) {

  public static final int DEFAULT_MAX_CONNECTIONS = 128;
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  public static final Duration DEFAULT_HEADER_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

  public TrapConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(allow, "allow");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
    }
    if (maxHeaderBytes < 256) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 256, got " + maxHeaderBytes);
    }
    positive("headerDeadline", headerDeadline);
    positive("connectTimeout", connectTimeout);
    positive("idleTimeout", idleTimeout);
  }

  /** The defaults for a proxy on {@code host:port} allowing {@code allow}. */
  public static TrapConfig defaults(String host, int port, AllowList allow) {
    return new TrapConfig(host, port, allow, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_HEADER_BYTES,
        DEFAULT_HEADER_DEADLINE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
  }

  /** This config with another connection limit. */
  public TrapConfig withMaxConnections(int n) {
    return new TrapConfig(host, port, allow, n, maxHeaderBytes, headerDeadline, connectTimeout, idleTimeout);
  }

  /** This config with another deadline for the request head. */
  public TrapConfig withHeaderDeadline(Duration d) {
    return new TrapConfig(host, port, allow, maxConnections, maxHeaderBytes, d, connectTimeout, idleTimeout);
  }

  /** This config with another tunnel idle timeout. */
  public TrapConfig withIdleTimeout(Duration d) {
    return new TrapConfig(host, port, allow, maxConnections, maxHeaderBytes, headerDeadline, connectTimeout, d);
  }

  private static void positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }
}
