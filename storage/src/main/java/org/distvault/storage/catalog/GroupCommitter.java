package org.distvault.storage.catalog;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.LogListener;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's one writer: every write (blob records, expectations, bindings, outcomes, log
 * entries) is made durable with one fsync per group of concurrent writes, not one per write.
 *
 * <p>Writers put a {@link Write} on a queue. The first writer that finds no group being committed
 * becomes the leader: it takes everything queued (up to {@link #MAX_GROUP} writes), applies them in
 * order to one {@link Batch}, in which each sees the ones before it, writes the batch with a synced
 * WAL, and then releases the writers; the others wait. While one group is being synced the next
 * one gathers, so the more writers there are, the larger each group. The leader is a writer that
 * is running anyway, so a group costs no hand-over to another thread and back (which, on a busy
 * machine, waits for the scheduler twice). A write that throws is undone within the batch and fails
 * alone; a failed sync fails the whole group, and nothing of it is stored. Because one group is
 * committed at a time, in queue order, log cursors are assigned without holes and an entry becomes
 * visible only after every entry with a smaller cursor: a reader paging by cursor never skips one
 * that commits late.
 *
 * <p>A {@link LogListener} per log kind is told of each group's durable entries by the leader
 * before the writers are released, so it can copy a whole group at once (e.g. one write of many
 * lines to a file) while each writer still returns only after its entry was copied.
 *
 * <p>Thread-safe. A write runs on the leader's thread and must not submit another (it would wait
 * for itself). Writes run only within a writer's call, so once every writer has returned ({@link
 * Catalog} waits for them) nothing touches the database.
 */
final class GroupCommitter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

  /** Most writes in one synced batch; bounds batch memory under a flood. */
  static final int MAX_GROUP = 4096;

  /** Largest log payload accepted; log entries are small records, not files. */
  static final int MAX_PAYLOAD = 1 << 20;

  /** A change to the catalog, applied by a group's leader to the group's batch. */
  @FunctionalInterface
  interface Write<R> {
    R apply(Batch batch) throws RocksDBException;
  }

  private static final class Request {
    final Write<?> write;
    final boolean alone;
    final CompletableFuture<Object> done = new CompletableFuture<>();
    Object result;

    Request(Write<?> write, boolean alone) {
      this.write = write;
      this.alone = alone;
    }
  }

  private final RocksStore store;
  private final Clock clock;
  /** Guards {@link #queue} and {@link #committing}; writers wait on {@link #released}. */
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  private boolean committing;
  /** Last assigned cursor per log kind; only the leader of the group being committed uses it. */
  private final long[] last;
  /** Last durable cursor per log kind, for readers. */
  private final AtomicLongArray durable;
  private final AtomicLong generation = new AtomicLong();
  private final LongAdder groups = new LongAdder();
  private final AtomicReferenceArray<LogListener> listeners =
      new AtomicReferenceArray<>(LogKind.values().length);

  /** A committer continuing each log after {@code lastCursors[kind.ordinal()]}. */
  GroupCommitter(RocksStore store, Clock clock, long[] lastCursors) {
    this.store = store;
    this.clock = clock;
    this.last = lastCursors.clone();
    this.durable = new AtomicLongArray(lastCursors);
  }

  /**
   * Applies {@code write} in the next group and returns its result once the group is durable.
   *
   * @throws RuntimeException what the write threw (it was undone), or {@link CatalogException}
   *     when the group could not be stored
   */
  <R> R submit(Write<R> write) {
    return await(new Request(write, false));
  }

  /**
   * As {@link #submit}, but the write gets a batch of its own, so it may scan stored keys (see
   * {@link Batch#requireAlone}); for rare writes such as dropping a blob.
   */
  <R> R submitAlone(Write<R> write) {
    return await(new Request(write, true));
  }

  /**
   * Appends a log entry and returns its cursor once it is durable.
   *
   * @throws IllegalArgumentException when the payload exceeds {@link #MAX_PAYLOAD}
   * @throws CatalogException when the write failed; the entry was not stored
   */
  long append(LogKind kind, byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          kind + " log entry of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
    }
    byte[] copy = payload.clone();
    return submit(b -> b.append(kind, copy));
  }

  /**
   * Appends log entries in one write of the next group, and returns their cursors (consecutive, in
   * order) once they are durable: all of them or none.
   *
   * @throws IllegalArgumentException when a payload exceeds {@link #MAX_PAYLOAD}; nothing is stored
   * @throws CatalogException when the write failed; no entry was stored
   */
  long[] appendAll(LogKind kind, List<byte[]> payloads) {
    List<byte[]> copies = new ArrayList<>(payloads.size());
    for (byte[] payload : payloads) {
      if (payload.length > MAX_PAYLOAD) {
        throw new IllegalArgumentException(
            kind + " log entry of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
      }
      copies.add(payload.clone());
    }
    return submit(b -> {
      long[] cursors = new long[copies.size()];
      for (int i = 0; i < cursors.length; i++) {
        cursors[i] = b.append(kind, copies.get(i));
      }
      return cursors;
    });
  }

  @SuppressWarnings("unchecked")
  private <R> R await(Request r) {
    lead(r);
    try {
      return (R) r.done.join(); // done by now: the leader completes every request it took
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException x) {
        throw x;
      }
      if (e.getCause() instanceof Error x) {
        throw x;
      }
      throw new CatalogException("catalog " + store.dir + ": write failed: " + e.getCause(), e.getCause());
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

  /**
   * How many groups that changed distfile or blob records were written (or failed to be: a failed
   * write may still have reached the memtable). Bumped before the writers are released.
   */
  long generation() {
    return generation.get();
  }

  /** The database written to, for this package's tests. */
  RocksStore store() {
    return store;
  }

  /** Writes waiting for a leader (for tests that line writes up into one group). */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Synced batches written so far (writes per batch = writes / groups). */
  long groups() {
    return groups.sum();
  }

  /**
   * Queues {@code r} and returns once it is done: committed by the leader of its group, which is
   * this thread when no group is being committed. Waiting is not interruptible on purpose: the
   * caller must learn whether its write is durable.
   */
  private void lead(Request r) {
    List<Request> group = new ArrayList<>();
    lock.lock();
    try {
      queue.add(r);
      while (committing && !r.done.isDone()) {
        released.awaitUninterruptibly();
      }
      if (r.done.isDone()) {
        return;
      }
      committing = true; // the leader of everything queued so far, r included
      for (Request q; group.size() < MAX_GROUP && (q = queue.poll()) != null; ) {
        group.add(q);
      }
    } finally {
      lock.unlock();
    }
    try {
      apply(group);
    } finally {
      lock.lock();
      try {
        committing = false;
        released.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Applies the group's writes to as few batches as possible (a write alone gets its own). */
  private void apply(List<Request> group) {
    List<Request> pending = new ArrayList<>();
    Batch batch = new Batch(store, clock.instant(), last);
    try {
      for (Request r : group) {
        if (r.alone && !pending.isEmpty()) {
          commit(batch, pending);
          batch.close();
          batch = new Batch(store, clock.instant(), last);
        }
        applyOne(batch, r, pending);
        if (r.alone) {
          commit(batch, pending);
          batch.close();
          batch = new Batch(store, clock.instant(), last);
        }
      }
      commit(batch, pending);
    } finally {
      batch.close();
    }
  }

  private static void applyOne(Batch batch, Request r, List<Request> pending) {
    batch.mark();
    try {
      r.result = r.write.apply(batch);
      pending.add(r);
    } catch (RocksDBException | RuntimeException | Error e) {
      try {
        batch.rollback();
      } catch (RocksDBException | RuntimeException undo) {
        e.addSuppressed(undo);
      }
      r.done.completeExceptionally(e);
    }
  }

  /** Writes the batch synced, then runs its callbacks, tells the listeners, and releases the writers. */
  private void commit(Batch batch, List<Request> pending) {
    if (pending.isEmpty()) {
      return;
    }
    long[] before = durableCursors();
    try {
      if (!batch.isEmpty()) {
        store.writeSynced(batch.writes());
      }
    } catch (RocksDBException | RuntimeException | Error e) {
      // Nothing of this batch is stored: give the cursors back and tell every writer (an Error too,
      // or they would wait forever).
      System.arraycopy(before, 0, last, 0, last.length);
      if (batch.changedRecords()) {
        generation.incrementAndGet(); // a failed write may have reached the memtable
      }
      CatalogException failure =
          new CatalogException("catalog " + store.dir + ": write failed: " + e, e);
      pending.forEach(r -> r.done.completeExceptionally(failure));
      pending.clear();
      return;
    }
    for (int k = 0; k < last.length; k++) {
      durable.set(k, last[k]);
    }
    groups.increment();
    batch.callbacks().forEach(Runnable::run);
    if (batch.changedRecords()) {
      generation.incrementAndGet();
    }
    tellListeners(batch.appended());
    pending.forEach(r -> r.done.complete(r.result));
    pending.clear();
  }

  private long[] durableCursors() {
    long[] out = new long[last.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = durable.get(k);
    }
    return out;
  }

  /** Hands each listened-to log its entries of the batch; a failing listener fails no write. */
  private void tellListeners(List<LogEntry> appended) {
    if (appended.isEmpty()) {
      return;
    }
    for (LogKind kind : LogKind.values()) {
      LogListener listener = listeners.get(kind.ordinal());
      if (listener == null) {
        continue;
      }
      List<LogEntry> entries = appended.stream().filter(e -> e.kind() == kind).toList();
      if (entries.isEmpty()) {
        continue;
      }
      try {
        listener.committed(entries);
      } catch (RuntimeException e) {
        // The entries are durable: the writers succeed; the listener's copy is its own concern.
        log.warn("catalog {}: listener of the {} log failed on cursors {}..{}: {}", store.dir, kind,
            entries.get(0).cursor(), entries.get(entries.size() - 1).cursor(), e.toString(), e);
      }
    }
  }
}
