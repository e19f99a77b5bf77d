package org.distvault.prefetch.cli;

/** The exit codes every subcommand uses (DESIGN.md §8). */
public final class ExitCode {
  /** Success. */
  public static final int OK = 0;
  /** The job ran and something failed (e.g. the scrub found corrupt blobs, the server said no). */
  public static final int FAILED = 1;
  /** Bad usage or bad input; the message names what was wrong. */
  public static final int USAGE = 2;

  private ExitCode() {}
}
