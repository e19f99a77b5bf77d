package org.distvault.storage.distinfo;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of one pkgsrc distinfo file, as read by {@link DistinfoParser}.
 *
 * @param source the file's label, usually its path
 * @param header the RCS Id line ({@code $NetBSD$}, {@code $NetBSD: distinfo,v 1.224 ... Exp $},
 *     or an odd one) as written without surrounding whitespace, empty when the file has none
 * @param distfiles distfile entries, in the order their names first appear in the file
 * @param patches patch entries, in the order their names first appear in the file
 * @param problems lines that could not be used as written, by line number
 */
public record Distinfo(
    String source,
    Optional<String> header,
    List<DistfileEntry> distfiles,
    List<PatchEntry> patches,
    List<DistinfoProblem> problems) {
  public Distinfo {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(header, "header");
    distfiles = List.copyOf(distfiles);
    patches = List.copyOf(patches);
    problems = List.copyOf(problems);
  }

  /** The distfile entry with exactly this {@code [DIST_SUBDIR/]file} name (linear search). */
  public Optional<DistfileEntry> distfile(String name) {
    for (DistfileEntry e : distfiles) {
      if (e.name().value().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The patch entry with exactly this name (linear search). */
  public Optional<PatchEntry> patch(String name) {
    for (PatchEntry p : patches) {
      if (p.name().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether some line could not be used as written. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }
}
