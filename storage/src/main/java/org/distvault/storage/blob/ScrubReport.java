package org.distvault.storage.blob;

import java.nio.file.Path;
import java.util.List;

/**
 * What one scrub of the blob store found.
 *
 * @param checked files at valid blob paths that were re-hashed, clean or not
 * @param bytes the bytes of those files
 * @param corrupt files moved to quarantine, in the order found
 * @param skipped entries left alone: directories that are not buckets (e.g. {@code lost+found})
 */
public record ScrubReport(long checked, long bytes, List<CorruptBlob> corrupt, List<Path> skipped) {
  public ScrubReport {
    corrupt = List.copyOf(corrupt);
    skipped = List.copyOf(skipped);
  }

  /** Whether every blob matched its name. */
  public boolean clean() {
    return corrupt.isEmpty();
  }
}
