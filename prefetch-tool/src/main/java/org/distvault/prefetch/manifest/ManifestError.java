package org.distvault.prefetch.manifest;

/**
 * A malformed manifest line: its 1-based number and what is wrong with it.
 *
 * @param line 1-based line number in the input
 * @param problem one line saying what is wrong, e.g. {@code invalid name 'a/../b': '..' path segment}
 */
public record ManifestError(long line, String problem) {

  /** {@code line 17: <problem>}, the form the admin API and the CLI print. */
  @Override
  public String toString() {
    return "line " + line + ": " + problem;
  }
}
