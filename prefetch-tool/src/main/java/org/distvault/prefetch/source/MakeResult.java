package org.distvault.prefetch.source;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What one bmake run printed and how it ended.
 *
 * @param exitStatus the exit status, or empty when it was killed after the time limit
 * @param stdout standard output (UTF-8, malformed bytes replaced)
 * @param stderr standard error (likewise)
 */
record MakeResult(OptionalInt exitStatus, String stdout, String stderr) {
  /** Lines of a failed run's output kept from its start and from its end. */
  static final int HEAD_LINES = 20;
  static final int TAIL_LINES = 10;
  /** Longest line kept in an excerpt. */
  static final int MAX_LINE = 300;

  MakeResult {
    Objects.requireNonNull(exitStatus, "exitStatus");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  boolean timedOut() {
    return exitStatus.isEmpty();
  }

  boolean succeeded() {
    return exitStatus.isPresent() && exitStatus.getAsInt() == 0;
  }

  /**
   * Standard error then standard output, cut for a report: the first {@value #HEAD_LINES} and
   * the last {@value #TAIL_LINES} lines (bmake names the failing file and line first; a failing
   * shell command's last words are at the end), each at most {@value #MAX_LINE} characters.
   */
  String excerpt() {
    String all = stderr.isEmpty() ? stdout : stdout.isEmpty() ? stderr : stderr + "\n" + stdout;
    List<String> lines = all.strip().lines().toList();
    if (lines.isEmpty()) {
      return "(no output)";
    }
    StringBuilder b = new StringBuilder();
    int n = lines.size();
    boolean cut = n > HEAD_LINES + TAIL_LINES;
    for (int i = 0; i < n; i++) {
      if (cut && i == HEAD_LINES) {
        b.append("[... ").append(n - HEAD_LINES - TAIL_LINES).append(" lines left out ...]\n");
        i = n - TAIL_LINES;
      }
      String line = lines.get(i);
      b.append(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line).append('\n');
    }
    return b.toString().strip();
  }
}
