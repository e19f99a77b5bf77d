package org.distvault.prefetch.manifest;

import java.util.List;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * A whole manifest read into memory: its valid entries and its malformed lines.
 *
 * @param entries valid entries, in input order
 * @param errors the first malformed lines (capped by the reader's caller)
 * @param errorCount how many lines were malformed in total
 */
public record Manifest(List<ExpectedDistfile> entries, List<ManifestError> errors, long errorCount) {

  public Manifest {
    entries = List.copyOf(entries);
    errors = List.copyOf(errors);
  }

  /** Throws when any line was malformed, for callers that accept a manifest only whole. */
  public Manifest requireValid(String source) throws ManifestFormatException {
    if (errorCount > 0) {
      throw new ManifestFormatException(source, errors, errorCount);
    }
    return this;
  }
}
