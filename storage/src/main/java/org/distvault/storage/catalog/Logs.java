package org.distvault.storage.catalog;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.LogEntry;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Reads of the append-only logs in cursor order, and where each log ends. Cursors are per kind and
 * start at 1; appends go through the {@link GroupCommitter}, which continues each log after
 * {@link #lastStored} when the catalog is reopened.
 *
 * <p>Thread-safe; callers hold the catalog's lifecycle guard.
 */
final class Logs {
  private final RocksStore s;

  Logs(RocksStore s) {
    this.s = s;
  }

  /** The last stored cursor of every kind, indexed by ordinal. */
  long[] lastStored() throws RocksDBException {
    long[] last = new long[LogKind.values().length];
    for (LogKind k : LogKind.values()) {
      last[k.ordinal()] = lastStored(k);
    }
    return last;
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

  private long lastStored(LogKind kind) throws RocksDBException {
    try (RocksIterator it = s.db.newIterator(s.logs)) {
      it.seekForPrev(Codec.logKey(kind, Long.MAX_VALUE));
      it.status();
      return it.isValid() && it.key()[0] == kind.code() ? Codec.logCursor(it.key()) : 0;
    }
  }
}
