package org.distvault.prefetch.source;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * What a source produced: the expected distfiles and every problem met on the way.
 *
 * @param entries one entry per distinct content of a name, with the PKGPATHs that expect it and
 *     its URLs in the order to try them
 * @param problems errors and notes, in the order the source met them
 * @param requesters which scanned package asked for each entry ({@link Requesters#none()} unless
 *     the source scanned packages)
 */
public record SourceResult(List<ExpectedDistfile> entries, List<SourceProblem> problems, Requesters requesters) {

  public SourceResult {
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
    java.util.Objects.requireNonNull(requesters, "requesters");
  }

  /** A result whose entries no scanned package asked for (a manifest or distinfo input). */
  public SourceResult(List<ExpectedDistfile> entries, List<SourceProblem> problems) {
    this(entries, problems, Requesters.none());
  }

  /** The problems that mean something may be missing (see {@link ProblemKind#isError()}). */
  public List<SourceProblem> errors() {
    return problems.stream().filter(p -> p.kind().isError()).toList();
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(p -> p.kind().isError());
  }

  /** The PKGPATHs with at least one error, for pbulk's per-package failure report. */
  public SortedSet<String> failedPkgpaths() {
    TreeSet<String> out = new TreeSet<>();
    for (SourceProblem p : problems) {
      if (p.kind().isError()) {
        p.pkgpath().ifPresent(out::add);
      }
    }
    return out;
  }
}
