package org.distvault.prefetch.pbulk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.source.PresolveReader;
import org.distvault.prefetch.source.PresolveRecord;
import org.distvault.prefetch.source.SourceResult;

/**
 * Marks the presolve packages a prefetch could not provide for as failed, where pbulk looks before
 * its build starts: each one's reason into {@code BULKLOG/PKGNAME/checksum.log} (see {@link
 * PackageLog}), then its PKGNAME appended to {@code meta/error} beside the presolve file (see
 * {@link ErrorList}). pbulk-build reads {@code meta/error} back when it starts, so these packages
 * are failed without a build, their dependents indirect-failed, and the report links the log.
 *
 * <p>Which packages: see {@link PbulkFailures}. A package {@code meta/error} lists already is left
 * as it is (no second line, its log untouched); one {@code meta/success} lists (a restarted build)
 * is not marked, pbulk will not build it again. The error file is created even when nothing
 * failed, so that pbulk's {@code bulkbuild-restart} finds it.
 *
 * <p>Run it after the prefetch and before pbulk-build; not thread-safe.
 */
public final class PbulkFailureMarker {
  /** What pbulk-build accepts as a PKGNAME line, and what can name a log directory. */
  private static final Pattern PKGNAME = Pattern.compile("[^\\s/]{4,}");

  private final Path presolve;
  private final Path bulklog;

  /**
   * @param presolve pbulk's {@code meta/presolve}; {@code error} and {@code success} are its siblings
   * @param bulklog pbulk's log directory (pbulk.conf {@code bulklog}); see {@link #defaultBulklog}
   */
  public PbulkFailureMarker(Path presolve, Path bulklog) {
    this.presolve = presolve.toAbsolutePath().normalize();
    this.bulklog = bulklog.toAbsolutePath().normalize();
  }

  /** pbulk's layout, {@code loc=${bulklog}/meta}: the directory above the presolve file's. */
  public static Path defaultBulklog(Path presolve) {
    Path meta = presolve.toAbsolutePath().normalize().getParent();
    Path up = meta == null ? null : meta.getParent();
    if (up == null) {
      throw new IllegalArgumentException("presolve file " + presolve + " has no directory above its own: give the "
          + "log directory");
    }
    return up;
  }

  public Path errorFile() {
    return presolve.resolveSibling("error");
  }

  public Path bulklog() {
    return bulklog;
  }

  /**
   * Fails, before a long run, when the marks could not be written later.
   *
   * @throws IOException naming the directory that is missing or not writable
   */
  public void checkWritable() throws IOException {
    requireWritableDirectory(errorFile().getParent(), "the presolve file's directory (for its error file)");
    requireWritableDirectory(bulklog, "the pbulk log directory");
    Path error = errorFile();
    if (Files.exists(error) && (!Files.isRegularFile(error) || !Files.isWritable(error))) {
      throw new IOException("pbulk error file " + error + " is not a writable file");
    }
  }

  private static void requireWritableDirectory(Path dir, String what) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(what + " " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new IOException(what + " " + dir + " is not writable");
    }
  }

  /**
   * Writes the marks for the packages that failed in this run.
   *
   * @param scanned the presolve scan (its requesters say which variant needs what)
   * @param report the prefetch run's report
   * @throws IOException when the presolve file cannot be read again, a PKGNAME cannot name a log
   *     directory, or a log or the error file cannot be written; the message names the path
   */
  public MarkResult mark(SourceResult scanned, PrefetchReport report) throws IOException {
    List<PresolveRecord> records = PresolveReader.readRecords(presolve);
    List<FailedPackage> failed = PbulkFailures.find(records, scanned.requesters(), report);
    ErrorList error = new ErrorList(errorFile());
    Set<String> listed = error.names();
    Set<String> built = new ErrorList(presolve.resolveSibling("success")).names();
    List<FailedPackage> marked = new ArrayList<>();
    List<FailedPackage> alreadyListed = new ArrayList<>();
    List<FailedPackage> alreadyBuilt = new ArrayList<>();
    for (FailedPackage p : failed) {
      if (!PKGNAME.matcher(p.pkgname()).matches() || p.pkgname().startsWith(".")) {
        throw new IOException("PKGNAME '" + p.pkgname() + "' in " + presolve + " is not a name pbulk accepts");
      }
      if (listed.contains(p.pkgname())) {
        alreadyListed.add(p);
      } else if (built.contains(p.pkgname())) {
        alreadyBuilt.add(p);
      } else {
        marked.add(p);
      }
    }
    for (FailedPackage p : marked) {
      try {
        PackageLog.write(bulklog, p, report.started());
      } catch (IOException e) {
        throw new IOException("cannot write the pbulk log " + PackageLog.path(bulklog, p.pkgname()) + ": " + e, e);
      }
    }
    try {
      error.append(marked.stream().map(FailedPackage::pkgname).toList());
    } catch (IOException e) {
      throw new IOException("cannot append to the pbulk error file " + error.file() + ": " + e, e);
    }
    return new MarkResult(error.file(), bulklog, marked, alreadyListed, alreadyBuilt);
  }
}
