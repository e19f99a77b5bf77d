package org.distvault.prefetch.manifest;

import org.distvault.storage.distfile.ExpectedDistfile;

/** One non-blank manifest line after parsing: either a valid entry or the error it had. */
public sealed interface ManifestLine {

  /** 1-based line number in the input. */
  long number();

  /** A line that parsed and validated. */
  record Entry(long number, ExpectedDistfile entry) implements ManifestLine {}

  /** A line that did not; {@link ManifestError} says why. */
  record Malformed(long number, ManifestError error) implements ManifestLine {}
}
