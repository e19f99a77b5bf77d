package org.distvault.prefetch.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * Reads a package list: one {@code category/package} per line, as pbulk's limited scan reads
 * it. Text from a {@code #} to the end of the line is a comment; blank lines are skipped;
 * surrounding blanks and one trailing {@code /} are dropped. Any other line that is not a valid
 * PKGPATH is reported with its line number and skipped.
 */
public final class PkgpathListReader {
  private PkgpathListReader() {}

  /**
   * Reads the list.
   *
   * @throws IOException when the file cannot be read
   */
  public static PackageList read(Path file) throws IOException {
    List<PackageRef> packages = new ArrayList<>();
    List<SourceProblem> problems = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      long lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        int hash = line.indexOf('#');
        String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (text.endsWith("/")) {
          text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
          continue;
        }
        try {
          packages.add(PackageRef.of(ExpectedDistfile.checkPkgpath(text)));
        } catch (IllegalArgumentException e) {
          problems.add(SourceProblem.ofLine(ProblemKind.LIST_SYNTAX, file.toString(), lineNo,
              e.getMessage()));
        }
      }
    }
    return new PackageList(packages, problems);
  }
}
