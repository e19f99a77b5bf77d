package org.distvault.prefetch.source;

/** What went wrong, or was left out on purpose, while building entries from a source. */
public enum ProblemKind {
  /** A distinfo line that could not be used as written. */
  DISTINFO_SYNTAX(Severity.ERROR),
  /** A distinfo file that could not be read. */
  DISTINFO_UNREADABLE(Severity.ERROR),
  /** A malformed line of a package list or of a pbulk presolve file. */
  LIST_SYNTAX(Severity.ERROR),
  /** A package directory named by a list or a SUBDIR that does not exist or has no Makefile. */
  NO_SUCH_PACKAGE(Severity.ERROR),
  /** bmake exited with a non-zero status, or printed what the scanner cannot read. */
  MAKE_FAILED(Severity.ERROR),
  /** bmake ran past the per-package time limit and was killed with its children. */
  MAKE_TIMEOUT(Severity.ERROR),
  /** A file pkgsrc checksums has no entry in the package's distinfo. */
  NO_CHECKSUM(Severity.ERROR),
  /** A distinfo entry lists no digest distvault can compute, so the file cannot be verified. */
  UNVERIFIABLE(Severity.ERROR),
  /** The package sets PKG_FAIL_REASON: pbulk prefails it, so it is not prefetched. */
  PKG_FAIL_REASON(Severity.NOTE),
  /** The package sets PKG_SKIP_REASON: pbulk skips it, so it is not prefetched. */
  PKG_SKIP_REASON(Severity.NOTE),
  /** A file pkgsrc fetches but never checksums (IGNOREFILES, NO_CHECKSUM): not prefetched. */
  NOT_CHECKSUMMED(Severity.NOTE),
  /** A site that does not make a usable URL; the other sites of the file are kept. */
  BAD_SITE(Severity.NOTE);

  /** Whether a problem means something the build may need is missing from the result. */
  public enum Severity {
    /** Something expected is missing or could not be read. */
    ERROR,
    /** Left out by pkgsrc's own rules, or a dropped site; nothing the build verifies is missing. */
    NOTE
  }

  private final Severity severity;

  ProblemKind(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
