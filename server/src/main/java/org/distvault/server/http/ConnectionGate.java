package org.distvault.server.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;

/**
 * The accept listener of {@link HttpServing}: accepts each connection, and hands it to HTTP only
 * while fewer than {@code max} connections are open, and fewer than {@code maxPerClient} from its
 * client's IP address. A connection over either bound is answered {@code 503} (best effort: one
 * non-blocking write) and closed at once, so it costs one descriptor for a moment and nothing
 * after; it is never left waiting in the kernel's backlog, where it would hold up the
 * connections behind it.
 *
 * <p>The count drops when a connection closes (XNIO calls every close listener set on it,
 * Undertow's and this one), so capacity comes back at once when the load goes away.
 *
 * <p>Thread-safe: accepts and closes happen on the I/O threads, closes also on worker threads.
 */
public final class ConnectionGate implements ChannelListener<AcceptingChannel<StreamConnection>> {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

  /** How often a refusal is logged at most, with the counts since the last time. */
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;

  private static final byte[] BUSY = busy("too many connections: try again later\n");

  /** The key of a connection whose peer address XNIO cannot tell (not seen with TCP). */
  private static final Object UNKNOWN_PEER = new Object();

  /** Why a connection was refused: the label of {@code distvault_connections_refused_total}. */
  public enum Refusal {
    TOTAL("total"),
    PER_CLIENT("per_client");

    private final String label;

    Refusal(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final ChannelListener<? super StreamConnection> next;
  private final int max;
  private final int maxPerClient;
  private final Map<Object, Integer> perClient = new HashMap<>(); // guarded by this
  private int open; // guarded by this
  private final LongAdder refusedTotal = new LongAdder();
  private final LongAdder refusedPerClient = new LongAdder();
  private long loggedAt = System.nanoTime() - LOG_EVERY_NANOS; // guarded by this
  private long unlogged; // guarded by this

  /**
   * @param next the listener that serves an admitted connection (Undertow's HTTP open listener)
   * @param max connections open at once
   * @param maxPerClient connections open at once from one IP address
   */
  public ConnectionGate(ChannelListener<? super StreamConnection> next, int max, int maxPerClient) {
    if (max < 1 || maxPerClient < 1) {
      throw new IllegalArgumentException("bounds must be positive, got " + max + " and " + maxPerClient);
    }
    this.next = next;
    this.max = max;
    this.maxPerClient = maxPerClient;
  }

  @Override
  public void handleEvent(AcceptingChannel<StreamConnection> channel) {
    StreamConnection connection;
    try {
      // XNIO's accept reports its own failures and returns null; it throws only when closed.
      connection = channel.accept();
    } catch (IOException e) {
      log.debug("accept failed: {}", e.toString());
      return;
    }
    if (connection == null) {
      return;
    }
    InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
    Object client = peer == null ? UNKNOWN_PEER : peer.getAddress();
    Refusal refusal = admit(client);
    if (refusal != null) {
      refuse(connection, refusal, peer);
      return;
    }
    // Merged with the listener Undertow sets: both run when the connection closes.
    connection.setCloseListener(c -> release(client));
    ChannelListeners.invokeChannelListener(connection, next);
  }

  /** Counts the connection in, or says why not. */
  private synchronized Refusal admit(Object client) {
    if (open >= max) {
      return Refusal.TOTAL;
    }
    int mine = perClient.getOrDefault(client, 0);
    if (mine >= maxPerClient) {
      return Refusal.PER_CLIENT;
    }
    perClient.put(client, mine + 1);
    open++;
    return null;
  }

  private synchronized void release(Object client) {
    open--;
    Integer mine = perClient.get(client);
    if (mine == null || mine <= 1) {
      perClient.remove(client); // an address that went away leaves nothing behind
    } else {
      perClient.put(client, mine - 1);
    }
  }

  private void refuse(StreamConnection connection, Refusal why, InetSocketAddress peer) {
    (why == Refusal.TOTAL ? refusedTotal : refusedPerClient).increment();
    try {
      // A new socket's send buffer takes these few bytes whole; if not, the close says enough.
      connection.getSinkChannel().write(ByteBuffer.wrap(BUSY));
      // Reading what already arrived (the request, usually) makes the close a FIN, not a reset
      // that could discard the 503 before the client reads it.
      connection.getSourceChannel().read(ByteBuffer.allocate(4096));
    } catch (IOException e) {
      // The client is gone already.
    } finally {
      IoUtils.safeClose(connection);
    }
    logRefusal(why, peer);
  }

  private void logRefusal(Refusal why, InetSocketAddress peer) {
    long now = System.nanoTime();
    synchronized (this) {
      unlogged++;
      if (now - loggedAt < LOG_EVERY_NANOS) {
        return;
      }
      loggedAt = now;
      String reason = why == Refusal.TOTAL ? max + " connections open" : "its " + maxPerClient + " connections open";
      log.warn("refused a connection from {}: {} ({} refused since the last such line; at most one a minute)",
          peer == null ? "an unknown address" : peer.getAddress().getHostAddress(), reason, unlogged);
      unlogged = 0;
    }
  }

  /** Connections open now (admitted and not closed yet). */
  public synchronized int open() {
    return open;
  }

  /** Client addresses with a connection open now. */
  public synchronized int clients() {
    return perClient.size();
  }

  /** The bound on connections open at once. */
  public int max() {
    return max;
  }

  /** The bound on connections open at once from one address. */
  public int maxPerClient() {
    return maxPerClient;
  }

  /** Connections refused so far for {@code why}. */
  public long refused(Refusal why) {
    return (why == Refusal.TOTAL ? refusedTotal : refusedPerClient).sum();
  }

  private static byte[] busy(String body) {
    return ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 10\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }
}
