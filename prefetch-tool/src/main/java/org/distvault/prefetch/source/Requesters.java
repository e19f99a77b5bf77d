package org.distvault.prefetch.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * Which scanned packages asked for what: for each merged entry the packages (multi-version
 * variants apart) whose scan expects it, and for each package the errors that kept its scan from
 * describing every file it needs. A PKGPATH alone cannot say this, because the variants of one
 * PKGPATH (py311-foo, py312-foo) may need different distfiles; pbulk's failure marking needs it.
 *
 * <p>Only a pkgsrc scan knows its packages; other sources give {@link #none()}.
 *
 * @param byEntry the packages that expect each entry, keyed by the entry of the result
 * @param errors the error problems of each package that had any, in the order they were met
 */
public record Requesters(Map<ExpectedDistfile, Set<PackageRef>> byEntry, Map<PackageRef, List<SourceProblem>> errors) {

  public Requesters {
    Map<ExpectedDistfile, Set<PackageRef>> entries = new LinkedHashMap<>();
    byEntry.forEach((e, refs) -> entries.put(e, Collections.unmodifiableSet(new LinkedHashSet<>(refs))));
    byEntry = Collections.unmodifiableMap(entries);
    Map<PackageRef, List<SourceProblem>> errs = new LinkedHashMap<>();
    errors.forEach((ref, problems) -> errs.put(ref, List.copyOf(problems)));
    errors = Collections.unmodifiableMap(errs);
  }

  /** No package information (a manifest or distinfo input). */
  public static Requesters none() {
    return new Requesters(Map.of(), Map.of());
  }

  /** The packages that expect {@code entry}; empty when none is known. */
  public Set<PackageRef> of(ExpectedDistfile entry) {
    return byEntry.getOrDefault(entry, Set.of());
  }
}
