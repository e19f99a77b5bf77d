package org.distvault.server.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many connections the process's file descriptor limit leaves room for, after a reserve for
 * everything else the server must keep able to open.
 *
 * <pre>
 * reserve     = open + {@value #KEPT_BLOB_FILES} + {@value #TRANSIENT} + other
 * connections = (limit - reserve - 1) / 2
 * </pre>
 *
 * <ul>
 *   <li>{@code limit}: the soft {@code RLIMIT_NOFILE} (the JVM raises it to the hard limit at
 *       start);
 *   <li>{@code open}: descriptors open when the listener starts: the JVM's own, the catalog's
 *       RocksDB files (it keeps every table file open), the I/O threads' selectors;
 *   <li>{@value #KEPT_BLOB_FILES}: the small blob files {@link OpenBlobFiles} keeps open;
 *   <li>{@value #TRANSIENT}: files opened and closed while serving: new RocksDB table and log
 *       files (flushes, compactions), the violation log (opened for each write), upload spools,
 *       read-through downloads (4 at once, a socket and a file each), a scrub's file;
 *   <li>{@code other}: what the policy reserves for the rest of the process (the trap proxy);
 *   <li>each connection counts twice: its socket, and the large blob file it may be sending
 *       (small ones are among the kept files); the one extra is the new connection accepted
 *       before an idle one is closed to make room for it, or before it is refused.
 * </ul>
 *
 * <p>With the connections bounded this way, accepting never fails with "too many open files",
 * so XNIO never starts its accept back-off (which grows to 30 s and keeps the listener deaf long
 * after the load went away).
 *
 * @param limit the descriptor limit of the process
 * @param open descriptors open now
 * @param other descriptors reserved for the rest of the process
 */
public record DescriptorBudget(long limit, long open, int other) {
  private static final Logger log = LoggerFactory.getLogger(DescriptorBudget.class);

  /** Small blob files kept open between requests. */
  public static final int KEPT_BLOB_FILES = OpenBlobFiles.DEFAULT_MAX_OPEN;

  /** Descriptors opened and closed again while serving, other than connections and their files. */
  public static final int TRANSIENT = 128;

  /** Fewer connections than this is no server: a limit that low is refused at start. */
  public static final int MIN_CONNECTIONS = 16;

  /** The budget of this process now, if the JVM can tell its descriptor limit (Unix). */
  public static Optional<DescriptorBudget> ofThisProcess(int other) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      long open = unix.getOpenFileDescriptorCount();
      if (limit > 0 && open >= 0) {
        return Optional.of(new DescriptorBudget(limit, open, other));
      }
    }
    return Optional.empty();
  }

  /** Descriptors kept for everything but the connections. */
  public long reserve() {
    return open + KEPT_BLOB_FILES + TRANSIENT + other;
  }

  /** Connections the limit leaves room for; may be 0 or less when the limit is too low. */
  public long connections() {
    return (limit - reserve() - 1) / 2;
  }

  /**
   * The connection bound to enforce for {@code policy}: its explicit bound or {@link
   * ConnectionPolicy#AUTO_CAP}, lowered to what {@code budget} leaves room for.
   *
   * @throws IllegalStateException when the descriptor limit leaves room for fewer than {@value
   *     #MIN_CONNECTIONS} connections
   */
  public static int maxConnections(ConnectionPolicy policy, Optional<DescriptorBudget> budget) {
    boolean auto = policy.maxConnections() == ConnectionPolicy.AUTO;
    int wanted = auto ? ConnectionPolicy.AUTO_CAP : policy.maxConnections();
    if (budget.isEmpty()) {
      log.warn("cannot read the file descriptor limit: connections bounded at {} without a descriptor reserve", wanted);
      return wanted;
    }
    DescriptorBudget b = budget.get();
    long room = b.connections();
    if (room < Math.min(wanted, MIN_CONNECTIONS)) {
      throw new IllegalStateException("the file descriptor limit " + b.limit() + " leaves room for " + Math.max(room, 0)
          + " connections (" + b.describe() + "); raise it (ulimit -n, LimitNOFILE=) to at least "
          + (b.reserve() + 1 + 2L * MIN_CONNECTIONS));
    }
    if (room < wanted) {
      if (!auto) {
        log.warn("--max-connections {} lowered to {}: {}", wanted, room, b.describe());
      }
      return (int) room;
    }
    return wanted;
  }

  /** The arithmetic, for the log. */
  public String describe() {
    return "descriptor limit " + limit + ", reserve " + reserve() + " = " + open + " open at start + "
        + KEPT_BLOB_FILES + " kept blob files + " + TRANSIENT + " transient + " + other + " other, 2 per connection";
  }
}
