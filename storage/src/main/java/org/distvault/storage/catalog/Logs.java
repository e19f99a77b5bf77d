package org.distvault.storage.catalog;

import org.distvault.storage.record.LogListener;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.LogEntry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The append-only logs: durable group-committed appends and reads in cursor order. Cursors are
 * per kind, start at 1, and continue after the last stored entry when the catalog is reopened.
 *
 * <p>Thread-safe; callers hold the catalog's lifecycle guard.
 */
final class Logs {
  private final RocksStore s;
  private final GroupCommitter committer;

  Logs(RocksStore s, Clock clock) throws RocksDBException {
    this.s = s;
    long[] last = new long[LogKind.values().length];
    for (LogKind k : LogKind.values()) {
      last[k.ordinal()] = lastStored(k);
    }
    this.committer = new GroupCommitter(s, clock, last);
  }

  long append(LogKind kind, byte[] payload) {
    return committer.append(kind, payload);
  }

  void listen(LogKind kind, LogListener listener) {
    committer.listen(kind, listener);
  }

  long lastCursor(LogKind kind) {
    return committer.lastCursor(kind);
  }

  long groups() {
    return committer.groups();
  }

  /** Entries with a cursor greater than {@code after}, oldest first, at most {@code limit}. */
  List<LogEntry> read(LogKind kind, long after, int limit) throws RocksDBException {
    List<LogEntry> out = new ArrayList<>();
    if (after == Long.MAX_VALUE) {
      return out;
    }
    byte[] prefix = {kind.code()};
    try (RocksIterator it = s.db.newIterator(s.logs)) {
      for (it.seek(Codec.logKey(kind, after + 1));
          it.isValid() && out.size() < limit && Codec.startsWith(it.key(), prefix);
          it.next()) {
        out.add(Codec.decodeLog(kind, it.key(), it.value()));
      }
      it.status();
    }
    return out;
  }

  /** Stops the committer; call once no append is in flight, before the database closes. */
  void stop() {
    committer.stop();
  }

  private long lastStored(LogKind kind) throws RocksDBException {
    try (RocksIterator it = s.db.newIterator(s.logs)) {
      it.seekForPrev(Codec.logKey(kind, Long.MAX_VALUE));
      it.status();
      return it.isValid() && it.key()[0] == kind.code() ? Codec.logCursor(it.key()) : 0;
    }
  }
}
