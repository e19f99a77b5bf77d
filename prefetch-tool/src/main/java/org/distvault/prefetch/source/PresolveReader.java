package org.distvault.prefetch.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * Reads the packages of a pbulk {@code meta/presolve} file: the packages (and multi-version
 * variants) the bulk build will build.
 *
 * <p>The file is a sequence of records of {@code KEY=value} lines; each record starts with a
 * {@code PKGNAME=} line (pbulk's scan writes {@code PKG_LOCATION=} right after it). From each
 * record this reads {@code PKG_LOCATION} (the PKGPATH) and {@code MULTI_VERSION} (e.g. {@code
 * MULTI_VERSION= PYTHON_VERSION_REQD=312}: the variable assignments pbulk passes to make for
 * this variant); every other key is ignored. Several records of one PKGPATH with different
 * MULTI_VERSION values give one {@link PackageRef} each. A line that is not {@code KEY=value},
 * a record without a valid PKG_LOCATION, or a malformed MULTI_VERSION is reported with its line
 * number, and that record is left out.
 */
public final class PresolveReader {
  private PresolveReader() {}

  /**
   * Reads the file.
   *
   * @throws IOException when it cannot be read
   */
  public static PackageList read(Path file) throws IOException {
    Run run = readRun(file);
    return new PackageList(run.records.stream().map(PresolveRecord::ref).toList(), run.problems);
  }

  /**
   * Reads the file's usable records with their PKGNAMEs, in file order; malformed records are
   * left out (as {@link #read} reports them).
   *
   * @throws IOException when it cannot be read
   */
  public static List<PresolveRecord> readRecords(Path file) throws IOException {
    return List.copyOf(readRun(file).records);
  }

  private static Run readRun(Path file) throws IOException {
    Run run = new Run(file.toString());
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        run.line(line);
      }
    }
    run.finishRecord();
    return run;
  }

  /** The state of reading one file. */
  private static final class Run {
    private final String source;
    private final List<PresolveRecord> records = new ArrayList<>();
    private final List<SourceProblem> problems = new ArrayList<>();
    private long lineNo;
    private boolean inRecord;
    private boolean recordBad;
    private String pkgname;
    private long pkgnameLine;
    private String location;
    private long locationLine;
    private Map<String, String> multiVersion = Map.of();

    Run(String source) {
      this.source = source;
    }

    void line(String line) {
      lineNo++;
      if (line.isBlank()) {
        return;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        problem(lineNo, "not a KEY=value line: '" + printable(line) + "'");
        return;
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      if (key.equals("PKGNAME")) {
        finishRecord();
        startRecord(value);
        return;
      }
      if (!inRecord) {
        problem(lineNo, key + "= before the first PKGNAME= line");
        return;
      }
      if (key.equals("PKG_LOCATION")) {
        if (location != null) {
          problem(lineNo, "second PKG_LOCATION in the record of " + pkgname);
          recordBad = true;
        }
        location = value.strip();
        locationLine = lineNo;
      } else if (key.equals("MULTI_VERSION")) {
        multiVersion = multiVersion(value);
      }
    }

    private void startRecord(String name) {
      inRecord = true;
      recordBad = false;
      pkgname = name.strip();
      pkgnameLine = lineNo;
      location = null;
      multiVersion = Map.of();
    }

    /** {@code " PYTHON_VERSION_REQD=312 PHP_VERSION_REQD=82"}; null (and a problem) if bad. */
    private Map<String, String> multiVersion(String value) {
      Map<String, String> vars = new LinkedHashMap<>();
      for (String word : value.strip().split("\\s+")) {
        if (word.isEmpty()) {
          continue;
        }
        int eq = word.indexOf('=');
        String name = eq < 0 ? "" : word.substring(0, eq);
        if (!PackageRef.isVariableName(name)) {
          problem(lineNo, "MULTI_VERSION word '" + printable(word) + "' is not VARIABLE=value");
          recordBad = true;
          return Map.of();
        }
        vars.put(name, word.substring(eq + 1));
      }
      return vars;
    }

    void finishRecord() {
      if (!inRecord) {
        return;
      }
      inRecord = false;
      if (recordBad) {
        return;
      }
      if (location == null) {
        problem(pkgnameLine, "the record of " + pkgname + " has no PKG_LOCATION");
        return;
      }
      try {
        records.add(new PresolveRecord(pkgname,
            new PackageRef(ExpectedDistfile.checkPkgpath(location), multiVersion)));
      } catch (IllegalArgumentException e) {
        problem(locationLine, e.getMessage());
      }
    }

    private void problem(long line, String message) {
      problems.add(SourceProblem.ofLine(ProblemKind.LIST_SYNTAX, source, line, message));
    }

    private static String printable(String s) {
      String cut = s.length() > 120 ? s.substring(0, 120) + "..." : s;
      return cut.replaceAll("\\p{Cntrl}", "?");
    }
  }
}
