package org.distvault.storage.catalog;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.RocksDBException;

/**
 * The catalog's lifecycle guard: every operation runs under the read lock and checks that the
 * catalog is open; closing takes the write lock, so it waits for operations in flight and no
 * operation starts afterwards. This is what keeps a late request from touching a closed RocksDB,
 * which would crash the JVM instead of throwing.
 *
 * <p>While a close is waiting, new operations queue behind it (the lock prefers a waiting
 * writer) and then fail with "catalog is closed".
 */
final class Guard {
  /** An operation on the open database. */
  @FunctionalInterface
  interface Op<T> {
    T run() throws RocksDBException;
  }

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String where;
  // Written under the write lock; volatile for checkOpen, which takes no lock.
  private volatile boolean closed;

  Guard(String where) {
    this.where = where;
  }

  /**
   * Runs {@code op} while the catalog is open.
   *
   * @throws IllegalStateException when the catalog is closed
   * @throws CatalogException when RocksDB fails, naming {@code what}
   */
  <T> T call(String what, Op<T> op) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("catalog is closed");
      }
      return op.run();
    } catch (RocksDBException e) {
      throw new CatalogException("catalog " + where + ": " + what + " failed: " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Throws when the catalog is closed; for reads of in-memory state that touch no database and
   * so need not hold the lock.
   *
   * @throws IllegalStateException when the catalog is closed
   */
  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("catalog is closed");
    }
  }

  /**
   * Marks the catalog closed and runs {@code closer} once no operation is in flight. Later calls
   * do nothing.
   */
  void close(Runnable closer) {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closer.run();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
