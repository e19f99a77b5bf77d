package org.distvault.prefetch.source;

import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.distinfo.DistinfoProblem;

/**
 * One problem met while building entries from a source.
 *
 * @param kind what kind of problem, and so whether it is an error or a note
 * @param where {@code file:line} for a line of a file, the PKGPATH for a package, or a path
 * @param pkgpath the package concerned, when there is one (for pbulk's failure report)
 * @param message one line (or, for a failed bmake, an excerpt of its output) saying what happened
 */
public record SourceProblem(ProblemKind kind, String where, Optional<String> pkgpath, String message) {

  public SourceProblem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(pkgpath, "pkgpath");
    Objects.requireNonNull(message, "message");
  }

  /** A problem of a package, located by its PKGPATH. */
  public static SourceProblem ofPackage(ProblemKind kind, String pkgpath, String message) {
    return new SourceProblem(kind, pkgpath, Optional.of(pkgpath), message);
  }

  /** A problem of a line of a file that concerns no package in particular. */
  public static SourceProblem ofLine(ProblemKind kind, String file, long line, String message) {
    return new SourceProblem(kind, file + ":" + line, Optional.empty(), message);
  }

  /** A distinfo parser problem, attributed to the package that owns the file, if known. */
  static SourceProblem ofDistinfo(DistinfoProblem p, Optional<String> pkgpath) {
    return new SourceProblem(ProblemKind.DISTINFO_SYNTAX, p.source() + ":" + p.line(), pkgpath,
        p.message() + ": " + p.text());
  }

  /** {@code where: message}, the form compilers use. */
  @Override
  public String toString() {
    return where + ": " + message;
  }
}
