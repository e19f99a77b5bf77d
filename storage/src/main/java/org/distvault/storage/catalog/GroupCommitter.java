package org.distvault.storage.catalog;

import org.distvault.storage.record.LogListener;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.LogEntry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends log entries durably with one fsync per group of concurrent appends, not one per
 * append.
 *
 * <p>Appenders put a request on a queue and wait. A single committer thread takes everything
 * queued (up to {@link #MAX_GROUP} entries), assigns each entry the next cursor of its log,
 * writes them all in one WriteBatch with a synced WAL, and then releases the appenders. While
 * one group is being synced the next one gathers, so the more appenders there are, the larger
 * each group. Because one thread assigns cursors and writes the groups in order, an entry
 * becomes visible only after every entry with a smaller cursor: a reader paging by cursor never
 * skips one that commits late. (RocksDB's own write grouping would batch concurrent synced
 * writes too, but then cursors would be assigned before the write and could become visible out
 * of order.)
 *
 * <p>A {@link LogListener} per log kind is told of each group's durable entries on the committer
 * thread before the appenders are released, so it can copy a whole group at once (e.g. one write
 * of many lines to a file) while each appender still returns only after its entry was copied.
 *
 * <p>Thread-safe. The committer thread only touches the database while the catalog is open:
 * {@link Catalog} stops it (after every appender has returned) before closing RocksDB.
 */
final class GroupCommitter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  /** Most entries in one synced batch; bounds batch memory under a flood. */
  static final int MAX_GROUP = 4096;

  /** Largest payload accepted; log entries are small records, not files. */
  static final int MAX_PAYLOAD = 1 << 20;

  private record Request(LogKind kind, byte[] payload, CompletableFuture<Long> done) {}

  private static final Request STOP = new Request(null, null, null);

  private final RocksStore store;
  private final Clock clock;
  private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  /** Next cursor to assign per log kind; only the committer thread uses it. */
  private final long[] last;
  /** Last durable cursor per log kind, for readers. */
  private final AtomicLongArray durable;
  private final LongAdder groups = new LongAdder();
  /** Per log kind, the listener told of committed entries, or null. */
  private final AtomicReferenceArray<LogListener> listeners =
      new AtomicReferenceArray<>(LogKind.values().length);
  private final Thread thread;

  /** Starts the committer, continuing each log after {@code lastCursors[kind.ordinal()]}. */
  GroupCommitter(RocksStore store, Clock clock, long[] lastCursors) {
    this.store = store;
    this.clock = clock;
    this.last = lastCursors.clone();
    this.durable = new AtomicLongArray(lastCursors);
    this.thread = new Thread(this::run, "catalog-log-committer " + store.dir);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Appends and returns the entry's cursor once it is durable.
   *
   * @throws CatalogException when the write failed; the entry was not stored
   * @throws IllegalArgumentException when the payload exceeds {@link #MAX_PAYLOAD}
   */
  long append(LogKind kind, byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          kind + " log entry of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
    }
    Request r = new Request(kind, payload.clone(), new CompletableFuture<>());
    queue.add(r);
    try {
      // join() is not interruptible on purpose: the caller must learn whether the entry is durable.
      return r.done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof CatalogException c) {
        throw c;
      }
      throw new CatalogException("log append failed: " + e.getCause(), e.getCause());
    }
  }

  /** Sets (or with null removes) the listener of a log's committed entries. */
  void listen(LogKind kind, LogListener listener) {
    listeners.set(kind.ordinal(), listener);
  }

  /** The cursor of the newest durable entry of a log, 0 when it is empty. */
  long lastCursor(LogKind kind) {
    return durable.get(kind.ordinal());
  }

  /** Synced batches written so far (entries per batch = appends / groups). */
  long groups() {
    return groups.sum();
  }

  /** Stops the committer once the queue is empty. Call only when no append is in flight. */
  void stop() {
    queue.add(STOP);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        // Closing must not return while the thread may still use the database.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      group.clear();
      group.add(take());
      queue.drainTo(group, MAX_GROUP - 1);
      stopping = group.removeIf(r -> r == STOP);
      if (!group.isEmpty()) {
        commit(group);
      }
    }
  }

  private Request take() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Nobody interrupts this private thread; keep serving until STOP arrives.
        Thread.interrupted();
      }
    }
  }

  /** Hands each listened-to log its entries of the group; a failing listener fails no append. */
  private void tellListeners(List<Request> group, long[] cursors, Instant at) {
    for (LogKind kind : LogKind.values()) {
      LogListener listener = listeners.get(kind.ordinal());
      if (listener == null) {
        continue;
      }
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < group.size(); i++) {
        if (group.get(i).kind() == kind) {
          entries.add(new LogEntry(kind, cursors[i], at, group.get(i).payload()));
        }
      }
      if (entries.isEmpty()) {
        continue;
      }
      try {
        listener.committed(entries);
      } catch (RuntimeException e) {
        // The entries are durable: the appenders succeed; the listener's copy is its own concern.
        log.warn("catalog {}: listener of the {} log failed on cursors {}..{}: {}", store.dir, kind,
            entries.get(0).cursor(), entries.get(entries.size() - 1).cursor(), e.toString(), e);
      }
    }
  }

  private void commit(List<Request> group) {
    long[] before = last.clone();
    long[] cursors = new long[group.size()];
    Instant now = clock.instant();
    try (WriteBatch wb = new WriteBatch()) {
      for (int i = 0; i < group.size(); i++) {
        Request r = group.get(i);
        cursors[i] = ++last[r.kind().ordinal()];
        wb.put(store.logs, Codec.logKey(r.kind(), cursors[i]), Codec.logValue(now, r.payload()));
      }
      store.writeSynced(wb);
    } catch (RocksDBException | RuntimeException | Error e) {
      // Nothing of this group is stored: give the cursors back and tell every appender. The
      // thread keeps serving later groups (an Error would otherwise leave appenders waiting).
      System.arraycopy(before, 0, last, 0, last.length);
      CatalogException failure =
          new CatalogException("catalog " + store.dir + ": log append failed: " + e, e);
      group.forEach(r -> r.done().completeExceptionally(failure));
      return;
    }
    for (int k = 0; k < last.length; k++) {
      durable.set(k, last[k]);
    }
    groups.increment();
    tellListeners(group, cursors, now);
    for (int i = 0; i < group.size(); i++) {
      group.get(i).done().complete(cursors[i]);
    }
  }
}
