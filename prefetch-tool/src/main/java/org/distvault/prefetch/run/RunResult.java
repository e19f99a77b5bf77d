package org.distvault.prefetch.run;

/** How a run ended, with the exit code DESIGN.md §8 gives it. */
public enum RunResult {
  /** Every distfile is present at the destination. */
  SUCCESS(0),
  /** The run completed but some distfiles could not be prefetched (the report says which). */
  SOMETHING_FAILED(1);

  private final int exitCode;

  RunResult(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
