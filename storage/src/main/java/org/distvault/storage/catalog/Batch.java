package org.distvault.storage.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.StoreStats;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The writes of one group commit, readable as if they were already stored: a write later in the
 * group sees what an earlier one put ({@link #get}). Each write of the group runs between a
 * {@link #mark} and either nothing (it stays) or a {@link #rollback} (it failed and is undone,
 * with the callbacks and log entries it added), so one failing write fails only its own caller.
 *
 * <p>Used by one group's leader only. Closing releases the native batch.
 */
final class Batch implements AutoCloseable {
  private final RocksStore s;
  private final WriteBatchWithIndex wb = new WriteBatchWithIndex(true);
  private final ReadOptions read = new ReadOptions();
  private final Instant at;
  /** Last cursor per log kind, advanced by {@link #append}; owned by the committer. */
  private final long[] cursors;
  private final List<Runnable> afterCommit = new ArrayList<>();
  private final List<LogEntry> appended = new ArrayList<>();
  private boolean records;
  /** The store counters as this batch leaves them, null until a write of it changes them. */
  private StoreStats stats;
  private StoreStats markedStats;
  private int markedCallbacks;
  private int markedEntries;
  private long[] markedCursors;

  Batch(RocksStore s, Instant at, long[] cursors) {
    this.s = s;
    this.at = at;
    this.cursors = cursors;
  }

  /** The stored value of {@code key} with this batch's writes applied, or null. */
  byte[] get(ColumnFamilyHandle cf, byte[] key) throws RocksDBException {
    return wb.getFromBatchAndDB(s.db, cf, read, key);
  }

  void put(ColumnFamilyHandle cf, byte[] key, byte[] value) throws RocksDBException {
    wb.put(cf, key, value);
  }

  void delete(ColumnFamilyHandle cf, byte[] key) throws RocksDBException {
    wb.delete(cf, key);
  }

  /**
   * Checks that the batch holds no write yet, so that a scan of the database sees everything: a
   * write that scans runs {@linkplain GroupCommitter#submitAlone alone}.
   */
  void requireAlone() {
    if (wb.count() != 0) {
      throw new IllegalStateException("a scan of stored keys misses this batch's writes: run the write alone");
    }
  }

  /** Appends a log entry with the next cursor of its log; the cursor is returned. */
  long append(LogKind kind, byte[] payload) throws RocksDBException {
    long cursor = ++cursors[kind.ordinal()];
    wb.put(s.logs, Codec.logKey(kind, cursor), Codec.logValue(at, payload));
    appended.add(new LogEntry(kind, cursor, at, payload));
    return cursor;
  }

  /**
   * Appends a log entry under the cursor it had before (a log rebuilt from a copy); the cursor
   * must be above the log's last, and the log continues after it.
   */
  void appendAt(LogKind kind, long cursor, Instant when, byte[] payload) throws RocksDBException {
    if (cursor <= cursors[kind.ordinal()]) {
      throw new IllegalArgumentException(kind + " cursor " + cursor + " is not above " + cursors[kind.ordinal()]);
    }
    cursors[kind.ordinal()] = cursor;
    wb.put(s.logs, Codec.logKey(kind, cursor), Codec.logValue(when, payload));
    appended.add(new LogEntry(kind, cursor, when, payload));
  }

  /** Notes that distfile or blob records changed, so cached reads of them are stale. */
  void changesRecords() {
    records = true;
  }

  /** The store counters as this batch leaves them so far, null when no write of it set them. */
  StoreStats stats() {
    return stats;
  }

  /** Notes the counters this batch's writes so far leave (their value is put by the caller). */
  void stats(StoreStats next) {
    stats = next;
  }

  /** Runs {@code r} once the batch is durable, in the order registered (not if it is undone). */
  void afterCommit(Runnable r) {
    afterCommit.add(r);
  }

  /** The point {@link #rollback} returns to: taken before each write of the group. */
  void mark() {
    wb.setSavePoint();
    markedCallbacks = afterCommit.size();
    markedEntries = appended.size();
    markedCursors = cursors.clone();
    markedStats = stats;
  }

  /** Undoes everything since the last {@link #mark}. */
  void rollback() throws RocksDBException {
    wb.rollbackToSavePoint();
    afterCommit.subList(markedCallbacks, afterCommit.size()).clear();
    appended.subList(markedEntries, appended.size()).clear();
    System.arraycopy(markedCursors, 0, cursors, 0, cursors.length);
    stats = markedStats;
  }

  boolean isEmpty() {
    return wb.count() == 0;
  }

  boolean changedRecords() {
    return records;
  }

  WriteBatchWithIndex writes() {
    return wb;
  }

  List<Runnable> callbacks() {
    return afterCommit;
  }

  /** The log entries of this batch, in cursor order per kind. */
  List<LogEntry> appended() {
    return appended;
  }

  @Override
  public void close() {
    wb.close();
    read.close();
  }
}
