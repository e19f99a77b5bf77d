package org.distvault.storage.blob;

import java.nio.file.Path;
import java.util.List;
import org.distvault.storage.digest.Digest;

/**
 * What one scrub of the blob store found.
 *
 * @param checked files at valid blob paths that were re-hashed, clean or not
 * @param bytes the bytes of those files
 * @param corrupt files moved to quarantine, in the order found
 * @param skipped entries left alone: directories that are not buckets (e.g. {@code lost+found})
 * @param missing recorded blobs whose file was gone (their records were dropped)
 */
public record ScrubReport(
    long checked, long bytes, List<CorruptBlob> corrupt, List<Path> skipped, List<Digest> missing) {
  public ScrubReport {
    corrupt = List.copyOf(corrupt);
    skipped = List.copyOf(skipped);
    missing = List.copyOf(missing);
  }

  /** A report of the files alone, before the records were compared with them. */
  public ScrubReport(long checked, long bytes, List<CorruptBlob> corrupt, List<Path> skipped) {
    this(checked, bytes, corrupt, skipped, List.of());
  }

  /** This report with the recorded blobs found without a file. */
  public ScrubReport withMissing(List<Digest> gone) {
    return new ScrubReport(checked, bytes, corrupt, skipped, gone);
  }

  /** Whether every recorded blob was there and matched its name. */
  public boolean clean() {
    return corrupt.isEmpty() && missing.isEmpty();
  }
}
