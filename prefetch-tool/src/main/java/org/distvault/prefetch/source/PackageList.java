package org.distvault.prefetch.source;

import java.util.List;

/**
 * The packages a scan should visit, and the problems met while reading where they came from.
 *
 * @param packages distinct packages (and multi-version variants), in first-seen order
 * @param problems malformed lines, by file and line number
 */
public record PackageList(List<PackageRef> packages, List<SourceProblem> problems) {

  public PackageList {
    packages = List.copyOf(new java.util.LinkedHashSet<>(packages));
    problems = List.copyOf(problems);
  }
}
