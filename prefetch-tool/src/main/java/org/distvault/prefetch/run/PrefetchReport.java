package org.distvault.prefetch.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.distvault.prefetch.deliver.Outcome;

/**
 * The result of a prefetch run: one outcome per manifest entry, in manifest order, and the
 * run-level errors (destination refused, outcomes not recorded).
 *
 * @param started when the run started
 * @param elapsed how long it took
 * @param cleanedSpoolFiles unverified spool files of an earlier, killed run removed at start
 * @param outcomes one per entry, in input order
 * @param runErrors problems not tied to one distfile
 */
public record PrefetchReport(
    Instant started, Duration elapsed, int cleanedSpoolFiles, List<Outcome> outcomes, List<String> runErrors) {

  public PrefetchReport {
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(elapsed, "elapsed");
    outcomes = List.copyOf(outcomes);
    runErrors = List.copyOf(runErrors);
  }

  /** Counts over the outcomes. */
  public record Summary(int entries, int ok, int present, int failed, long bytes) {}

  public Summary summary() {
    int ok = 0;
    int present = 0;
    int failed = 0;
    long bytes = 0;
    for (Outcome o : outcomes) {
      switch (o.status()) {
        case OK -> ok++;
        case PRESENT -> present++;
        case FAILED -> failed++;
      }
      bytes += o.bytes();
    }
    return new Summary(outcomes.size(), ok, present, failed, bytes);
  }

  /** {@link RunResult#SOMETHING_FAILED} when any distfile failed or a run-level error occurred. */
  public RunResult result() {
    return summary().failed() == 0 && runErrors.isEmpty() ? RunResult.SUCCESS : RunResult.SOMETHING_FAILED;
  }

  /** The failed outcomes, in input order. */
  public List<Outcome> failures() {
    return outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).toList();
  }
}
