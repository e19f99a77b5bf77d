package org.distvault.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How long {@link HttpServing} keeps a connection that makes no progress, and how many it keeps.
 *
 * <p>Every connection costs a file descriptor, and the process shares one descriptor limit with
 * the catalog, the blob files and the violation log: connections are bounded so that they can
 * never take the descriptors those need (see {@link DescriptorBudget}), and one client address
 * cannot take them all.
 *
 * @param idleTimeout how long a connection may wait for its (next) request to start: a new
 *     connection, or a kept-alive one between requests
 * @param requestHeadTimeout how long a client may take to send a whole request head once it
 *     started one (slow-header clients)
 * @param sendTimeout how long a client may take no response bytes while a response is being sent;
 *     frees the blob file of a client that stopped reading
 * @param maxConnections connections open at once over all clients; {@link #AUTO}: as many as the
 *     descriptor limit leaves room for, at most {@link #AUTO_CAP}. A larger number than the limit
 *     leaves room for is lowered to it
 * @param maxConnectionsPerClient connections open at once from one client IP address
 * @param otherDescriptors descriptors something else in the process may open after the listener
 *     started (the trap proxy's connections): reserved on top of {@link DescriptorBudget}'s own
 *     reserve
 */
public record ConnectionPolicy(
    Duration idleTimeout,
    Duration requestHeadTimeout,
    Duration sendTimeout,
    int maxConnections,
    int maxConnectionsPerClient,
    int otherDescriptors) {

  /** {@link #maxConnections} derived from the descriptor limit. */
  public static final int AUTO = 0;

  /**
   * The most connections {@link #AUTO} allows: plenty for a LAN of build hosts, and a bound on
   * memory when the descriptor limit is in the hundreds of thousands.
   */
  public static final int AUTO_CAP = 4096;

  /**
   * Idle timeout when none is given. Build hosts fetch each distfile with a new fetch process,
   * so a kept-alive connection is rarely reused after a pause; an idle one only holds a slot.
   */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

  /** Request head timeout when none is given: a head is one packet from a build host. */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

  /** Send timeout when none is given: half of nginx's {@code send_timeout}, for a LAN. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Connections per client address when none is given: a bulk build host running 64 fetch jobs
   * at once (pbulk's parallel builds, each fetch one connection) with as many kept-alive ones
   * still open, or many chroots sharing one address.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 128;

  /** The defaults: 10 s idle, 10 s request head, 30 s send, {@link #AUTO} connections, 128 per client. */
  public static final ConnectionPolicy DEFAULTS = new ConnectionPolicy(DEFAULT_IDLE_TIMEOUT,
      DEFAULT_REQUEST_HEAD_TIMEOUT, DEFAULT_SEND_TIMEOUT, AUTO, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0);

  public ConnectionPolicy {
    timeout("idle timeout", idleTimeout);
    timeout("request head timeout", requestHeadTimeout);
    timeout("send timeout", sendTimeout);
    if (maxConnections < 0) {
      throw new IllegalArgumentException("max connections must be positive (or 0 for auto), got " + maxConnections);
    }
    if (maxConnectionsPerClient < 1) {
      throw new IllegalArgumentException("max connections per client must be positive, got " + maxConnectionsPerClient);
    }
    if (otherDescriptors < 0) {
      throw new IllegalArgumentException("other descriptors must not be negative, got " + otherDescriptors);
    }
  }

  /** This policy with all three timeouts set to {@code t}: a connection may make no progress for {@code t}. */
  public ConnectionPolicy withTimeouts(Duration t) {
    return new ConnectionPolicy(t, t, t, maxConnections, maxConnectionsPerClient, otherDescriptors);
  }

  /** This policy with {@code n} more descriptors reserved for the rest of the process. */
  public ConnectionPolicy reserving(int n) {
    return new ConnectionPolicy(idleTimeout, requestHeadTimeout, sendTimeout, maxConnections,
        maxConnectionsPerClient, otherDescriptors + n);
  }

  private static void timeout(String what, Duration t) {
    Objects.requireNonNull(t, what);
    // XNIO and Undertow take milliseconds as an int.
    if (t.isNegative() || t.isZero() || t.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " must be between 1 ms and ~24 days: " + t);
    }
  }
}
