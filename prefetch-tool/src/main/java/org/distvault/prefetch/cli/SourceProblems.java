package org.distvault.prefetch.cli;

import java.io.PrintWriter;
import java.util.List;
import org.distvault.prefetch.source.SourceProblem;

/**
 * How the command line shows the problems met while building entries: on stderr, errors and
 * notes one each (a failed bmake's output excerpt indented below its line), and as lines of
 * pbulk's failure list.
 */
final class SourceProblems {
  /** Longest reason written into a failure-list line. */
  static final int MAX_REASON = 1000;

  private SourceProblems() {}

  /** Prints every problem, {@code error:} or {@code note:} first. */
  static void print(List<SourceProblem> problems, PrintWriter err) {
    for (SourceProblem p : problems) {
      String text = (p.kind().isError() ? "error: " : "note: ") + p;
      err.println(text.strip().replace("\n", "\n    "));
    }
    err.flush();
  }

  /**
   * The failure-list line of an error: {@code PKGPATH<TAB>-<TAB>reason}, the distfile unknown
   * ({@code -}), and the PKGPATH {@code -} when the problem concerns no package.
   */
  static String failureLine(SourceProblem p) {
    String reason = p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": " + p;
    reason = reason.strip().replaceAll("\\s+", " ");
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON) + "...";
    }
    return p.pkgpath().orElse("-") + "\t-\t" + reason;
  }
}
