package org.distvault.server.http;

import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
 * The accept listener of {@link HttpServing}: keeps at most {@code max} connections open, and at
 * most {@code maxPerClient} from one IP address.
 *
 * <p>A new connection over a bound takes the place of an idle one: the oldest connection of its
 * address that is not serving a request (over the address's bound), or of the address with the
 * most connections (over the total bound), is closed. Idle connections are cheap to give up: a
 * kept-alive one is reopened by its client, a half-sent request head is a slow client's. When
 * every connection in question is serving a request, the new one is answered {@code 503} (best
 * effort: one non-blocking write) and closed at once, so it costs one descriptor for a moment and
 * nothing after; it never waits in the kernel's backlog, where it would hold up the connections
 * behind it.
 *
 * <p>A connection counts from its accept until it closes (XNIO calls every close listener set on
 * it, Undertow's and this one), so capacity comes back at once when the load goes away. Whether it
 * serves a request is told by {@link #tracking}, the root handler's wrapper.
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

  /** Which bound a new connection met: a label of the connection metrics. */
  public enum Bound {
    TOTAL("total"),
    PER_CLIENT("per_client");

    private final String label;

    Bound(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** An admitted connection. Fields other than the finals are guarded by the gate. */
  private static final class Entry {
    final StreamConnection connection;
    final Object client;
    final InetSocketAddress peer;
    int requests;
    boolean counted = true;

    Entry(StreamConnection connection, Object client, InetSocketAddress peer) {
      this.connection = connection;
      this.client = client;
      this.peer = peer;
    }
  }

  private final ChannelListener<? super StreamConnection> next;
  private final int max;
  private final int maxPerClient;
  /** Each address's connections, oldest first. Guarded by this. */
  private final Map<Object, LinkedHashSet<Entry>> byClient = new HashMap<>();
  /** The connections by peer address and port, for the request tracking. Guarded by this. */
  private final Map<InetSocketAddress, Entry> byPeer = new HashMap<>();
  private int open; // guarded by this
  private int serving; // guarded by this
  private final LongAdder refusedTotal = new LongAdder();
  private final LongAdder refusedPerClient = new LongAdder();
  private final LongAdder evictedTotal = new LongAdder();
  private final LongAdder evictedPerClient = new LongAdder();
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

  /**
   * {@code handler}, telling this gate while a request runs on a connection: such a connection is
   * never closed to make room.
   */
  public HttpHandler tracking(HttpHandler handler) {
    return exchange -> {
      Entry e = started(exchange.getConnection().getPeerAddress(InetSocketAddress.class));
      if (e != null) {
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
          ended(e);
          nextListener.proceed();
        });
      }
      handler.handleRequest(exchange);
    };
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
    Entry entry = new Entry(connection, peer == null ? UNKNOWN_PEER : peer.getAddress(), peer);
    Entry victim;
    synchronized (this) {
      LinkedHashSet<Entry> mine = byClient.get(entry.client);
      Bound bound = mine != null && mine.size() >= maxPerClient ? Bound.PER_CLIENT : open >= max ? Bound.TOTAL : null;
      victim = bound == Bound.PER_CLIENT ? oldestIdle(mine) : bound == Bound.TOTAL ? idleOfTheBiggestClient() : null;
      if (bound != null && victim == null) {
        refuse(connection, bound, peer);
        return;
      }
      if (victim != null) {
        remove(victim);
        (bound == Bound.TOTAL ? evictedTotal : evictedPerClient).increment();
      }
      byClient.computeIfAbsent(entry.client, c -> new LinkedHashSet<>()).add(entry);
      if (peer != null) {
        byPeer.put(peer, entry);
      }
      open++;
    }
    if (victim != null) {
      IoUtils.safeClose(victim.connection);
    }
    // Merged with the listener Undertow sets: both run when the connection closes.
    connection.setCloseListener(c -> release(entry));
    ChannelListeners.invokeChannelListener(connection, next);
  }

  private static Entry oldestIdle(LinkedHashSet<Entry> entries) {
    for (Entry e : entries) {
      if (e.requests == 0) {
        return e;
      }
    }
    return null;
  }

  /** The oldest idle connection of the address with the most connections that has one idle. */
  private Entry idleOfTheBiggestClient() {
    Entry victim = null;
    int most = 0;
    for (LinkedHashSet<Entry> entries : byClient.values()) {
      if (entries.size() > most) {
        Entry idle = oldestIdle(entries);
        if (idle != null) {
          victim = idle;
          most = entries.size();
        }
      }
    }
    return victim;
  }

  /** No longer counted: closed, or about to be closed to make room. Guarded by this. */
  private void remove(Entry e) {
    if (!e.counted) {
      return;
    }
    e.counted = false;
    open--;
    if (e.requests > 0) {
      serving--;
    }
    LinkedHashSet<Entry> mine = byClient.get(e.client);
    if (mine != null) {
      mine.remove(e);
      if (mine.isEmpty()) {
        byClient.remove(e.client); // an address that went away leaves nothing behind
      }
    }
    if (e.peer != null) {
      byPeer.remove(e.peer, e);
    }
  }

  private synchronized void release(Entry e) {
    remove(e);
  }

  private synchronized Entry started(InetSocketAddress peer) {
    Entry e = peer == null ? null : byPeer.get(peer);
    if (e != null && e.requests++ == 0 && e.counted) {
      serving++;
    }
    return e;
  }

  private synchronized void ended(Entry e) {
    if (--e.requests == 0 && e.counted) {
      serving--;
    }
  }

  /** Answers 503 and closes; called holding the lock, which costs two non-blocking calls. */
  private void refuse(StreamConnection connection, Bound why, InetSocketAddress peer) {
    (why == Bound.TOTAL ? refusedTotal : refusedPerClient).increment();
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
    unlogged++;
    long now = System.nanoTime();
    if (now - loggedAt >= LOG_EVERY_NANOS) {
      loggedAt = now;
      String reason = why == Bound.TOTAL
          ? max + " connections serving requests"
          : "its " + maxPerClient + " connections serving requests";
      log.warn("refused a connection from {}: {} ({} refused since the last such line; at most one a minute)",
          peer == null ? "an unknown address" : peer.getAddress().getHostAddress(), reason, unlogged);
      unlogged = 0;
    }
  }

  /** Connections open now (admitted and not closed yet). */
  public synchronized int open() {
    return open;
  }

  /** Connections serving a request now: those never closed to make room. */
  public synchronized int serving() {
    return serving;
  }

  /** The bound on connections open at once. */
  public int max() {
    return max;
  }

  /** The bound on connections open at once from one address. */
  public int maxPerClient() {
    return maxPerClient;
  }

  /** Connections refused so far because {@code bound} was reached with no idle connection to close. */
  public long refused(Bound bound) {
    return (bound == Bound.TOTAL ? refusedTotal : refusedPerClient).sum();
  }

  /** Idle connections closed so far to make room for a new one under {@code bound}. */
  public long evicted(Bound bound) {
    return (bound == Bound.TOTAL ? evictedTotal : evictedPerClient).sum();
  }

  private static byte[] busy(String body) {
    return ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 10\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }
}
