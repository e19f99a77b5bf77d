package org.distvault.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link HttpServing} listens.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1}
 * @param port the TCP port; 0 picks a free one (read it back from {@link HttpServing#address()})
 * @param idleTimeout how long a connection may make no progress before it is closed: waiting for
 *     the next request on a kept-alive connection, for the request headers, or for the client to
 *     take more response bytes; the last one frees the open file of a client that stopped reading
 */
public record ServingConfig(String host, int port, Duration idleTimeout) {
  /** Idle timeout when none is given (nginx's {@code send_timeout} defaults to 60 s). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);

  public ServingConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("idle timeout must be between 1 ms and ~24 days: " + idleTimeout);
    }
  }

  /** Loopback only, on {@code port} (0 for any free port), default idle timeout. */
  public static ServingConfig loopback(int port) {
    return new ServingConfig("127.0.0.1", port, DEFAULT_IDLE_TIMEOUT);
  }
}
