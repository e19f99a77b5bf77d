package org.distvault.prefetch.pbulk;

import java.util.List;
import java.util.Objects;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.source.PackageRef;
import org.distvault.prefetch.source.SourceProblem;

/**
 * A presolve package that must not be built offline: some distfile it needs could not be
 * prefetched, or its scan could not say what it needs.
 *
 * @param pkgname the presolve record's PKGNAME
 * @param ref its PKGPATH and MULTI_VERSION variables
 * @param distfiles the failed outcomes of the distfiles it needs, in report order
 * @param scanErrors the errors of its own scan (bmake failed, a checksum missing), in order met
 */
public record FailedPackage(String pkgname, PackageRef ref, List<Outcome> distfiles, List<SourceProblem> scanErrors) {

  public FailedPackage {
    Objects.requireNonNull(pkgname, "pkgname");
    Objects.requireNonNull(ref, "ref");
    distfiles = List.copyOf(distfiles);
    scanErrors = List.copyOf(scanErrors);
    if (distfiles.isEmpty() && scanErrors.isEmpty()) {
      throw new IllegalArgumentException(pkgname + ": a failed package needs a failed distfile or a scan error");
    }
  }

  /** One line: {@code PKGNAME (PKGPATH [VARS]): name: reason; ...}. */
  public String summary() {
    StringBuilder b = new StringBuilder(pkgname).append(" (").append(ref).append("): ");
    String sep = "";
    for (Outcome o : distfiles) {
      b.append(sep).append(o.entry().name().value()).append(": ").append(o.reason());
      sep = "; ";
    }
    for (SourceProblem p : scanErrors) {
      b.append(sep).append(p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      sep = "; ";
    }
    return b.toString().replaceAll("\\s+", " ");
  }
}
