package org.distvault.server.admin.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.vault.Vault;

/**
 * Records the blobs of concurrent uploads in the catalog with one synced write per group, not
 * one each (group commit): the catalog serialises its synced writes, so one write per upload
 * would make every upload wait for all the flushes before it.
 *
 * <p>Each caller queues its blob and waits; whichever caller finds no write in progress becomes
 * the leader and writes everything queued so far in one {@link Catalog#putBlobs} call, while the
 * next group gathers. A blob is recorded only once {@link StoredBlob} exists, that is after its
 * bytes and its name are durable, so the catalog never lists a blob a crash could lose. If a
 * group's write is refused (a record conflicts), each blob of it is recorded alone, so only the
 * conflicting upload fails. Thread-safe.
 */
final class BlobRecorder {
  private final Vault vault;
  private final Object lock = new Object();
  private List<Pending> queue = new ArrayList<>();
  private boolean writing;

  BlobRecorder(Vault vault) {
    this.vault = Objects.requireNonNull(vault, "vault");
  }

  /** One queued blob and, once written, its record or the failure; fields guarded by the lock's hand-over. */
  private static final class Pending {
    final BlobRecord record;
    BlobRecord stored;
    RuntimeException failure;
    boolean done;

    Pending(BlobRecord record) {
      this.record = record;
    }
  }

  /**
   * Records a stored blob (merging with an existing record, which keeps its first storage time)
   * and returns the record as stored; returns at once when the record already lists every digest.
   *
   * @throws IllegalArgumentException when the blob conflicts with its record (another size)
   * @throws InterruptedException when interrupted while another caller writes
   */
  BlobRecord record(StoredBlob blob) throws InterruptedException {
    Catalog catalog = vault.catalog();
    Optional<BlobRecord> existing = catalog.blob(blob.sha512());
    if (existing.isPresent() && existing.get().digests().algorithms().containsAll(blob.digests().algorithms())) {
      return existing.get();
    }
    Pending mine = new Pending(BlobRecord.stored(blob.digests(), blob.size(), vault.clock().instant()));
    List<Pending> group;
    synchronized (lock) {
      queue.add(mine);
      while (writing && !mine.done) {
        lock.wait();
      }
      if (mine.done) {
        return result(mine);
      }
      writing = true; // the leader of everything queued so far, this blob included
      group = queue;
      queue = new ArrayList<>();
    }
    try {
      write(catalog, group);
    } finally {
      synchronized (lock) {
        group.forEach(p -> p.done = true);
        writing = false;
        lock.notifyAll();
      }
    }
    return result(mine);
  }

  private static void write(Catalog catalog, List<Pending> group) {
    try {
      List<BlobRecord> stored = catalog.putBlobs(group.stream().map(p -> p.record).toList());
      for (int i = 0; i < group.size(); i++) {
        group.get(i).stored = stored.get(i);
      }
    } catch (IllegalArgumentException conflict) {
      for (Pending p : group) { // one by one, so that only the conflicting blob fails
        try {
          p.stored = catalog.putBlob(p.record);
        } catch (RuntimeException e) {
          p.failure = e;
        }
      }
    } catch (RuntimeException e) {
      group.forEach(p -> p.failure = e);
    }
  }

  private static BlobRecord result(Pending p) {
    if (p.failure != null) {
      throw p.failure;
    }
    return p.stored;
  }
}
