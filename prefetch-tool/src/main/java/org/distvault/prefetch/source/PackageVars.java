package org.distvault.prefetch.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What bmake says about one package's distfiles, read from one {@code show-vars} run.
 *
 * <p>The run is {@code bmake show-vars VARNAMES="..." _DISTVAULT_SITES='<loop>'}: pkgsrc's
 * {@code show-vars} target prints each named variable on its own line ({@code @echo ${VAR:Q}}),
 * and the extra variable, defined on the command line so that one bmake run answers everything,
 * expands pkgsrc-spec §4's per-file site loop {@code ${_ALLFILES:@f@${f}
 * ${SITES.${f:T:S/=/--/}:ts,}@}} (the sites of a file are {@code SITES.<basename>}, with
 * {@code =} written {@code --} since a variable name cannot hold it).
 *
 * <p>The variables, and why each is needed:
 *
 * <ul>
 *   <li>{@code PKGNAME}: names the package in reports;
 *   <li>{@code DISTINFO_FILE}: where the checksums are, often another package's file;
 *   <li>{@code _CKSUMFILES}: the files pkgsrc verifies, DIST_SUBDIR-prefixed like distinfo
 *       names;
 *   <li>{@code _ALLFILES}: every file pkgsrc fetches (DIST_SUBDIR-prefixed), to check the loop's
 *       output against;
 *   <li>{@code _MASTER_SITE_BACKUP}: the mirror sites pkgsrc tries last, DIST_SUBDIR already
 *       appended;
 *   <li>{@code NO_CHECKSUM}, {@code PKG_FAIL_REASON}, {@code PKG_SKIP_REASON}: the package is
 *       not verified, or not built at all.
 * </ul>
 *
 * DIST_SUBDIR itself is not needed: the file lists carry it, and upstream URLs never hold it.
 * The override ({@code MASTER_SITE_OVERRIDE}) is left out on purpose: on a build host it is
 * the cache itself.
 *
 * @param sitesByFile each {@code _ALLFILES} name to its site words in order (possibly none)
 */
record PackageVars(
    String pkgname,
    String distinfoFile,
    List<String> cksumfiles,
    List<String> backupSites,
    boolean noChecksum,
    String failReason,
    String skipReason,
    Map<String, List<String>> sitesByFile) {

  static final String SITES_VARIABLE = "_DISTVAULT_SITES";
  static final String SITES_LOOP = "${_ALLFILES:@f@${f} ${SITES.${f:T:S/=/--/}:ts,}@}";
  static final List<String> VARNAMES = List.of("PKGNAME", "DISTINFO_FILE", "_CKSUMFILES", "_ALLFILES",
      "_MASTER_SITE_BACKUP", "NO_CHECKSUM", "PKG_FAIL_REASON", "PKG_SKIP_REASON", SITES_VARIABLE);

  /** show-vars printed something else than expected; the message says what. */
  static final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message, null, false, false);
    }
  }

  /** The bmake arguments of the run, before any MULTI_VERSION assignments. */
  static List<String> makeArguments() {
    return List.of("show-vars", "VARNAMES=" + String.join(" ", VARNAMES), SITES_VARIABLE + "=" + SITES_LOOP);
  }

  /** Reads the run's standard output: exactly one line per variable. */
  static PackageVars parse(String stdout) throws FormatException {
    List<String> lines = stdout.lines().toList();
    if (lines.size() != VARNAMES.size()) {
      throw new FormatException("show-vars printed " + lines.size() + " lines, expected "
          + VARNAMES.size() + " (" + String.join(" ", VARNAMES) + ")");
    }
    List<String> allfiles = words(lines.get(3));
    return new PackageVars(
        lines.get(0).strip(),
        lines.get(1).strip(),
        words(lines.get(2)),
        words(lines.get(4)),
        !lines.get(5).isBlank(),
        lines.get(6).strip(),
        lines.get(7).strip(),
        sites(lines.get(8), allfiles));
  }

  /**
   * Reads the loop's output: for each file its name, one space, its sites joined by commas
   * (possibly nothing), and one space between files. Every file gives exactly two
   * space-separated fields, so the fields pair up; the names must be {@code _ALLFILES} in order.
   */
  private static Map<String, List<String>> sites(String line, List<String> allfiles) throws FormatException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (allfiles.isEmpty()) {
      return out;
    }
    String[] fields = line.split(" ", -1);
    if (fields.length == 2 * allfiles.size() - 1) {
      // The last file has no site and its trailing space was lost on the way: same meaning.
      fields = Arrays.copyOf(fields, fields.length + 1);
      fields[fields.length - 1] = "";
    }
    if (fields.length != 2 * allfiles.size()) {
      throw new FormatException("the sites of " + allfiles.size() + " files came as " + fields.length
          + " fields, expected " + 2 * allfiles.size());
    }
    for (int i = 0; i < allfiles.size(); i++) {
      String name = fields[2 * i];
      if (!name.equals(allfiles.get(i))) {
        throw new FormatException("the sites list names '" + name + "' where _ALLFILES has '"
            + allfiles.get(i) + "'");
      }
      List<String> sites = new ArrayList<>();
      for (String s : fields[2 * i + 1].split(",")) {
        if (!s.isEmpty()) {
          sites.add(s);
        }
      }
      out.put(name, Collections.unmodifiableList(sites));
    }
    return out;
  }

  private static List<String> words(String line) {
    String s = line.strip();
    return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
  }
}
