package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.distvault.storage.digest.Digests;

/**
 * The last step of {@link BlobStore}'s publish, shared by the uploads that reach it together: each
 * verified, fsynced temp file is renamed into its bucket, then every distinct bucket of the group
 * is fsynced once (and the chain above it the first time, {@link DurableDirs}), and only then is
 * each publisher released. A directory fsync makes every rename before it in that directory
 * durable, so a group of renames costs one directory fsync per bucket, and on a journaling file
 * system the first fsync usually commits the renames of the whole group.
 *
 * <p>The first publisher that finds no group running becomes the leader: it takes everything
 * queued (itself included), places and syncs it, and releases the others; publishers that arrive
 * meanwhile gather for the next group. One group runs at a time, so a blob found already stored
 * (a duplicate) was either placed by an earlier group, whose fsyncs have returned, or by this one,
 * whose buckets (the duplicate's included) are fsynced before anyone is released. A file fsync
 * stays with each uploader before it queues (concurrent fsyncs share the journal's commits as
 * they are); what the group shares is the directory work. A failed directory fsync fails every
 * blob of that bucket in the group; a failed placement fails that blob alone. Thread-safe; waiting
 * is not interruptible, so a caller always learns whether its blob is durable.
 */
final class PublishGroups {
  /** Moves one verified temp file into place, under the blob's lock. */
  @FunctionalInterface
  interface Placer {
    /** Renames (or, for content already stored, deletes) {@code temp}; see {@link Placed}. */
    Placed place(Path temp, long size, Digests digests) throws IOException;
  }

  /** A blob now at its path, and the bucket directory whose fsync makes that name durable. */
  record Placed(StoredBlob blob, Path bucket) {}

  private static final class Pending {
    final Path temp;
    final long size;
    final Digests digests;
    Placed placed;
    Exception failure;
    boolean done;

    Pending(Path temp, long size, Digests digests) {
      this.temp = temp;
      this.size = size;
      this.digests = digests;
    }
  }

  private final Placer placer;
  private final DurableDirs dirs;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean running;
  private final LongAdder groups = new LongAdder();
  private final LongAdder bucketSyncs = new LongAdder();

  PublishGroups(Placer placer, DurableDirs dirs) {
    this.placer = placer;
    this.dirs = dirs;
  }

  /**
   * Places {@code temp} and returns once its name is durable, in a group with the publishers that
   * queue meanwhile.
   *
   * @throws IOException if the file could not be placed or its bucket not synced
   */
  StoredBlob publish(Path temp, long size, Digests digests) throws IOException {
    Pending me = new Pending(temp, size, digests);
    List<Pending> group = new ArrayList<>();
    lock.lock();
    try {
      queue.add(me);
      while (running && !me.done) {
        released.awaitUninterruptibly();
      }
      if (!me.done) {
        running = true; // the leader of everything queued so far, me included
        group.addAll(queue);
        queue.clear();
      }
    } finally {
      lock.unlock();
    }
    if (!group.isEmpty()) {
      try {
        run(group);
      } finally {
        lock.lock();
        try {
          for (Pending p : group) {
            if (p.placed == null && p.failure == null) {
              p.failure = new IOException("publish of " + p.temp + " did not finish");
            }
            p.done = true;
          }
          running = false;
          released.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
    if (me.failure instanceof IOException e) {
      throw e;
    }
    if (me.failure instanceof RuntimeException e) {
      throw e;
    }
    return me.placed.blob();
  }

  /** Publishers waiting for a leader (for tests that line publishes up into one group). */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Groups run so far (publishes per group = publishes / groups). */
  long groups() {
    return groups.sum();
  }

  /** Bucket fsyncs made by groups so far (the chains above new buckets not counted). */
  long bucketSyncs() {
    return bucketSyncs.sum();
  }

  /** Places every file of the group, then fsyncs each distinct bucket once. */
  private void run(List<Pending> group) {
    groups.increment();
    Set<Path> buckets = new LinkedHashSet<>();
    for (Pending p : group) {
      try {
        Placed placed = placer.place(p.temp, p.size, p.digests);
        buckets.add(placed.bucket());
        p.placed = placed;
      } catch (IOException | RuntimeException e) {
        p.failure = e;
      }
    }
    Map<Path, IOException> failed = new HashMap<>();
    for (Path bucket : buckets) {
      try {
        bucketSyncs.increment();
        dirs.renamedInto(bucket);
      } catch (IOException e) {
        failed.put(bucket, e);
      }
    }
    for (Pending p : group) {
      if (p.placed != null && failed.containsKey(p.placed.bucket())) {
        p.failure = failed.get(p.placed.bucket());
        p.placed = null;
      }
    }
  }
}
