package org.distvault.storage.vault;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.record.Seal;

/**
 * What {@link Vault#backup} wrote, as of its point in time (the catalog checkpoint); also the
 * content of the backup's {@code backup.json}.
 *
 * @param directory the backup directory, absolute
 * @param time when the checkpoint was taken
 * @param storeId the store's id (the restored store keeps it)
 * @param sets every set of the store, with its seal if sealed
 * @param blobs blob files in the backup
 * @param bytes their total size
 * @param linked blob files hard-linked
 * @param copied blob files copied (and verified)
 * @param missing blobs the checkpoint records that are not in the backup: their file was gone (e.g.
 *     dropped by a scrub since) or did not hold what the record says (another size; a copy that
 *     did not hash right)
 * @param violationCursor the cursor of the last violation in the backup
 * @param violations how many violations the backup holds (the cursor, unless a recovery left holes)
 * @param violationLines lines copied from {@code DATA/log/violations.jsonl}
 * @param auditCursor the last audit entry in the backup
 * @param blobsIn where the blobs are when the backup holds none of them (a remote store, e.g.
 *     {@code s3://bucket/prefix}): then {@code blobs} and {@code bytes} count those the backup's
 *     catalog records there
 */
public record BackupReport(
    Path directory, Instant time, String storeId, List<SetState> sets, long blobs, long bytes, long linked,
    long copied, List<Digest> missing, long violationCursor, long violations, long violationLines, long auditCursor,
    Optional<String> blobsIn) {
  public BackupReport {
    sets = List.copyOf(sets);
    missing = List.copyOf(missing);
    Objects.requireNonNull(blobsIn, "blobsIn");
  }

  /** A set as the backup holds it. */
  public record SetState(String name, Optional<Seal> seal) {}

  /**
   * What the store remembers of its last successful backup ({@link Vault#lastBackup}).
   *
   * @param at the backup's point in time ({@link BackupReport#time})
   * @param directory where it was written
   * @param blobs the blob files in it
   */
  public record Last(Instant at, Path directory, long blobs) {
    public Last {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(directory, "directory");
    }
  }

  /** The manifest as a JSON-ready map (what {@code backup.json} holds). */
  public Map<String, Object> json() {
    return Backup.json(this);
  }
}
