package org.distvault.prefetch.manifest;

import java.io.IOException;
import java.util.List;

/** A manifest with malformed lines, for callers that refuse the whole input. Carries the errors. */
public final class ManifestFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient List<ManifestError> errors;

  public ManifestFormatException(String source, List<ManifestError> errors, long totalErrors) {
    super(message(source, errors, totalErrors));
    this.errors = List.copyOf(errors);
  }

  /** The first errors found (at most the cap the reader was given), in line order. */
  public List<ManifestError> errors() {
    return errors;
  }

  private static String message(String source, List<ManifestError> errors, long total) {
    String first = errors.isEmpty() ? "" : ": " + errors.get(0);
    return source + ": " + total + " malformed line" + (total == 1 ? "" : "s") + first;
  }
}
