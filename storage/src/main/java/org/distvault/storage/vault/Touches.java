package org.distvault.storage.vault;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.storage.digest.Digest;

/**
 * Which blobs an ingest published or recorded lately, by a sequence number rather than a time (a
 * test clock may stand still): a garbage collection notes the number when it starts and spares
 * every blob touched after it. Bounded: old touches are forgotten once no collection needs them.
 * Thread-safe.
 */
final class Touches {
  /** Touches kept at most while no collection needs them. */
  static final int MAX = 65_536;

  private final AtomicLong seq = new AtomicLong();
  private final Map<Digest, Long> last = new ConcurrentHashMap<>();
  /** The start of the collection running, or Long.MAX_VALUE when none is. */
  private volatile long needed = Long.MAX_VALUE;
  /** The size at which old touches are forgotten next (doubles while a collection needs them all). */
  private volatile int pruneAt = MAX;

  void touch(Digest sha512) {
    last.put(sha512, seq.incrementAndGet());
    if (last.size() > pruneAt) {
      synchronized (this) {
        if (last.size() > pruneAt) {
          long keepAfter = Math.min(needed, seq.get() - MAX / 2);
          last.values().removeIf(s -> s <= keepAfter);
          pruneAt = Math.max(MAX, 2 * last.size());
        }
      }
    }
  }

  /** Starts a collection: the number to compare touches with. */
  long begin() {
    long start = seq.incrementAndGet();
    needed = start;
    return start;
  }

  void end() {
    needed = Long.MAX_VALUE;
  }

  /**
   * Whether an ingest touched the blob while the touches are kept (at least the last {@code MAX /
   * 2}, and all since the start of the collection running): so an ingest in flight has.
   */
  boolean touched(Digest sha512) {
    return last.containsKey(sha512);
  }

  /** Whether the blob was touched after {@code start}. */
  boolean since(Digest sha512, long start) {
    Long s = last.get(sha512);
    return s != null && s > start;
  }
}
