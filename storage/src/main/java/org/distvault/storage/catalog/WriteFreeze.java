package org.distvault.storage.catalog;

import org.distvault.storage.record.FrozenException;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The freeze of {@link Catalog#freeze}: writes that could change what is bound run under the
 * shared side of a lock and check the flag there; freezing takes the exclusive side, so when it
 * returns no such write is still running and every later one sees the flag.
 */
final class WriteFreeze {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  // Written under the exclusive lock; volatile so that reason() needs no lock.
  private volatile String reason;

  /** Runs {@code write} unless frozen. */
  <T> T call(String what, Supplier<T> write) {
    enter(what);
    try {
      return write.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs a group of writes unless frozen; a freeze waits for all of them (the lock is reentrant). */
  <E extends Exception> void run(String what, Catalog.Writes<E> writes) throws E {
    enter(what);
    try {
      writes.run();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Takes the shared side unless frozen: returns holding it, or throws holding nothing. */
  private void enter(String what) {
    lock.readLock().lock();
    String why = reason;
    if (why != null) {
      lock.readLock().unlock();
      throw new FrozenException(what, why);
    }
  }

  /** Waits for the writes in progress, then refuses the later ones with {@code why}. */
  void freeze(String why) {
    setReason(why);
  }

  void thaw() {
    setReason(null);
  }

  private void setReason(String why) {
    lock.writeLock().lock();
    try {
      reason = why;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Why the catalog is frozen, or null. */
  String reason() {
    return reason;
  }
}
