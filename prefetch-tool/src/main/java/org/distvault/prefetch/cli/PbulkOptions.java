package org.distvault.prefetch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.distvault.prefetch.pbulk.FailedPackage;
import org.distvault.prefetch.pbulk.MarkResult;
import org.distvault.prefetch.pbulk.PbulkFailureMarker;
import picocli.CommandLine.Option;

/**
 * {@code prefetch}'s options for pbulk: mark the presolve packages whose distfiles could not be
 * prefetched as failed in pbulk's {@code meta/error}, with a {@code checksum.log} in pbulk's log
 * directory saying why.
 */
final class PbulkOptions {
  /** Marked packages named one by one on stderr; the report has them all. */
  static final int LISTED = 20;

  @Option(names = "--pbulk-mark-failed",
      description = "With --pbulk-presolve: list every presolve package (PKGNAME) whose distfiles could not all be "
          + "prefetched, or whose scan failed, in pbulk's meta/error beside the presolve file, with the reason in "
          + "BULKLOG/PKGNAME/checksum.log, so pbulk-build fails it without building")
  boolean markFailed;

  @Option(names = "--pbulk-bulklog", paramLabel = "DIR",
      description = "With --pbulk-mark-failed: pbulk's log directory (default: the directory above the presolve "
          + "file's, as pbulk's loc=${bulklog}/meta)")
  Path bulklog;

  /**
   * The marker to run after the prefetch, if asked for; checks the options and, before the long
   * run, that the error file and log directory can be written.
   */
  Optional<PbulkFailureMarker> marker(Path presolve, boolean planOnly) throws CliException {
    if (bulklog != null && !markFailed) {
      throw new CliException(ExitCode.USAGE, "--pbulk-bulklog goes with --pbulk-mark-failed");
    }
    if (!markFailed) {
      return Optional.empty();
    }
    if (presolve == null) {
      throw new CliException(ExitCode.USAGE, "--pbulk-mark-failed goes with --pbulk-presolve (the PKGNAMEs to "
          + "mark come from pbulk's presolve file)");
    }
    if (planOnly) {
      throw new CliException(ExitCode.USAGE, "--pbulk-mark-failed does not go with --plan-only: nothing is fetched, "
          + "so nothing can be marked");
    }
    PbulkFailureMarker marker;
    try {
      marker = new PbulkFailureMarker(presolve, bulklog != null ? bulklog : PbulkFailureMarker.defaultBulklog(presolve));
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--pbulk-mark-failed: " + e.getMessage(), e);
    }
    try {
      marker.checkWritable();
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "--pbulk-mark-failed: " + e.getMessage(), e);
    }
    return Optional.of(marker);
  }

  /** Names what was marked on stderr, then one summary line. */
  static void print(MarkResult r, PrintWriter err) {
    for (int i = 0; i < Math.min(LISTED, r.marked().size()); i++) {
      err.println("pbulk: failed: " + r.marked().get(i).summary());
    }
    if (r.marked().size() > LISTED) {
      err.println("pbulk: failed: ... and " + (r.marked().size() - LISTED) + " more (see the report)");
    }
    for (FailedPackage p : r.alreadyListed()) {
      err.println("pbulk: note: " + p.pkgname() + " is already listed in " + r.errorFile() + ": left as it is");
    }
    for (FailedPackage p : r.alreadyBuilt()) {
      err.println("pbulk: note: " + p.pkgname() + " is listed in meta/success (built already): not marked");
    }
    err.println("pbulk: marked " + r.marked().size() + " package" + (r.marked().size() == 1 ? "" : "s")
        + " failed in " + r.errorFile() + (r.marked().isEmpty() ? "" : ": " + String.join(" ", r.markedNames()))
        + (r.marked().isEmpty() ? "" : "; logs: " + r.bulklog() + "/PKGNAME/checksum.log"));
    err.flush();
  }
}
