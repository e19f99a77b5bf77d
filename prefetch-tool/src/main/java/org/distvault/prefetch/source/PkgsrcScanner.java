package org.distvault.prefetch.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds expected distfiles from a pkgsrc tree by asking bmake, package by package, what pkgsrc
 * would fetch, from where, and checksum against which distinfo.
 *
 * <p><b>Which packages.</b> {@link #scanTree()} visits what pbulk's full scan visits: the
 * {@code SUBDIR} list of the top-level Makefile gives the categories, each category Makefile's
 * {@code SUBDIR} its packages ({@code make show-subdir-var VARNAME=SUBDIR}), so packages left
 * out of a category's SUBDIR are not visited; each package is scanned with its default settings
 * only (pbulk finds the other MULTI_VERSION variants with {@code make pbulk-index}, which this
 * does not run: give a presolve file for those). {@link #scan(PackageList)} visits exactly the
 * listed packages (pbulk's limited scan), once per multi-version variant.
 *
 * <p><b>Per package.</b> One {@code bmake show-vars} run in the package directory (see {@link
 * PackageVars}), with the variant's MULTI_VERSION assignments on the command line as pbulk
 * passes them, joined with the package's DISTINFO_FILE (see {@link PackageEntries}). Up to
 * {@link ScanOptions#jobs()} runs at once; a run that exceeds {@link ScanOptions#timeout()} is
 * killed with its children. A package whose bmake fails is reported with its PKGPATH, exit
 * status and an excerpt of the output, and the others go on.
 *
 * <p><b>Result.</b> Entries from all packages merged per content (see {@link EntryMerger}), in
 * the order of the package list, so the same tree always gives the same manifest; its {@link
 * Requesters} say which package (variant) expects each entry and which packages had errors.
 *
 * <p>Thread-safe; each scan uses its own threads and distinfo cache. The scanner writes nothing
 * into the tree.
 */
public final class PkgsrcScanner {
  private static final Logger log = LoggerFactory.getLogger(PkgsrcScanner.class);
  private static final List<String> SHOW_SUBDIR = List.of("show-subdir-var", "VARNAME=SUBDIR");

  private final Path pkgsrc;
  private final ScanOptions options;
  private final MakeRunner make;

  public PkgsrcScanner(Path pkgsrc, ScanOptions options) {
    this.pkgsrc = pkgsrc.toAbsolutePath().normalize();
    this.options = options;
    this.make = new MakeRunner(options);
  }

  /**
   * Scans every package of the tree, as pbulk's full scan finds them.
   *
   * @throws IOException when the top-level Makefile cannot list the categories, or bmake cannot
   *     run at all ({@link BmakeUnavailableException})
   * @throws InterruptedException when interrupted; every bmake started has been killed
   */
  public SourceResult scanTree() throws IOException, InterruptedException {
    return scan(packagesOfTree());
  }

  /**
   * Scans the listed packages; the list's own problems come first in the result.
   *
   * @throws BmakeUnavailableException when bmake cannot run at all
   * @throws InterruptedException when interrupted; every bmake started has been killed
   */
  public SourceResult scan(PackageList list) throws IOException, InterruptedException {
    DistinfoCache distinfos = new DistinfoCache();
    List<PackageRef> packages = list.packages();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.jobs(), Math.max(1, packages.size())),
        threads());
    try {
      List<Future<PackageEntries.Scanned>> futures = new ArrayList<>(packages.size());
      for (PackageRef ref : packages) {
        futures.add(pool.submit(() -> scanPackage(ref, distinfos)));
      }
      EntryMerger merger = new EntryMerger();
      List<SourceProblem> problems = new ArrayList<>(list.problems());
      Map<PackageRef, List<SourceProblem>> errors = new LinkedHashMap<>();
      for (int i = 0; i < futures.size(); i++) {
        PackageRef ref = packages.get(i);
        PackageEntries.Scanned r = await(futures.get(i));
        r.found().forEach(found -> merger.add(found.entry(), found.mirrorUrls(), ref));
        problems.addAll(r.problems());
        List<SourceProblem> own = r.problems().stream().filter(p -> p.kind().isError()).toList();
        if (!own.isEmpty()) {
          errors.put(ref, own);
        }
      }
      problems.addAll(distinfos.problems());
      SourceResult result = new SourceResult(merger.entries(), problems,
          new Requesters(merger.requesters(), errors));
      log.info("scanned {} packages under {}: {} distfiles, {} errors, {} notes", packages.size(), pkgsrc,
          result.entries().size(), result.errors().size(), problems.size() - result.errors().size());
      return result;
    } finally {
      pool.shutdownNow(); // interrupts running scans, which kill their bmake
      if (!pool.awaitTermination(options.timeout().toSeconds() + 30, TimeUnit.SECONDS)) {
        log.warn("package scans still running after shutdown under {}", pkgsrc);
      }
    }
  }

  /** The packages pbulk's full scan visits: SUBDIR of the top Makefile, then of each category. */
  PackageList packagesOfTree() throws IOException, InterruptedException {
    MakeResult top = make.run(pkgsrc, SHOW_SUBDIR);
    if (!top.succeeded()) {
      throw new IOException("cannot list the categories of " + pkgsrc + ": " + describe(top));
    }
    List<PackageRef> packages = new ArrayList<>();
    List<SourceProblem> problems = new ArrayList<>();
    for (String category : words(top.stdout())) {
      Path dir = pkgsrc.resolve(category);
      if (category.contains("/") || !Files.isRegularFile(dir.resolve("Makefile"))) {
        problems.add(new SourceProblem(ProblemKind.NO_SUCH_PACKAGE, category, Optional.empty(),
            "category '" + category + "' in SUBDIR of " + pkgsrc.resolve("Makefile") + " has no Makefile"));
        continue;
      }
      MakeResult r = make.run(dir, SHOW_SUBDIR);
      if (!r.succeeded()) {
        problems.add(new SourceProblem(r.timedOut() ? ProblemKind.MAKE_TIMEOUT : ProblemKind.MAKE_FAILED,
            category, Optional.empty(), "cannot list the packages of category " + category + ": "
                + describe(r)));
        continue;
      }
      for (String pkg : words(r.stdout())) {
        String pkgpath = category + "/" + pkg;
        try {
          packages.add(PackageRef.of(ExpectedDistfile.checkPkgpath(pkgpath)));
        } catch (IllegalArgumentException e) {
          problems.add(new SourceProblem(ProblemKind.NO_SUCH_PACKAGE, pkgpath, Optional.empty(),
              "SUBDIR of " + category + " names '" + pkg + "': " + e.getMessage()));
        }
      }
    }
    return new PackageList(packages, problems);
  }

  private PackageEntries.Scanned scanPackage(PackageRef ref, DistinfoCache distinfos)
      throws IOException, InterruptedException {
    String pkgpath = ref.pkgpath();
    Path dir = pkgsrc.resolve(pkgpath);
    if (!Files.isRegularFile(dir.resolve("Makefile"))) {
      return failed(ProblemKind.NO_SUCH_PACKAGE, pkgpath, "no package at " + dir + " (no Makefile)");
    }
    List<String> args = new ArrayList<>(PackageVars.makeArguments());
    args.addAll(ref.makeAssignments());
    MakeResult r;
    try {
      r = make.run(dir, args);
    } catch (BmakeUnavailableException e) {
      throw e;
    } catch (IOException e) {
      return failed(ProblemKind.MAKE_FAILED, pkgpath, variant(ref) + e.getMessage());
    }
    if (!r.succeeded()) {
      return failed(r.timedOut() ? ProblemKind.MAKE_TIMEOUT : ProblemKind.MAKE_FAILED, pkgpath,
          variant(ref) + describe(r));
    }
    PackageVars vars;
    try {
      vars = PackageVars.parse(r.stdout());
    } catch (PackageVars.FormatException e) {
      return failed(ProblemKind.MAKE_FAILED, pkgpath, variant(ref) + e.getMessage() + "\n" + r.excerpt());
    }
    log.debug("{}: {} files to checksum", ref, vars.cksumfiles().size());
    return PackageEntries.build(ref, dir, vars, distinfos);
  }

  /** {@code "with PYTHON_VERSION_REQD=312: "} for a multi-version variant, else nothing. */
  private static String variant(PackageRef ref) {
    return ref.multiVersion().isEmpty() ? "" : "with " + String.join(" ", ref.makeAssignments()) + ": ";
  }

  private String describe(MakeResult r) {
    String how = r.timedOut()
        ? "bmake did not finish within " + options.timeout().toSeconds() + " s and was killed"
        : "bmake exited with status " + r.exitStatus().getAsInt();
    return how + "\n" + r.excerpt();
  }

  private static PackageEntries.Scanned failed(ProblemKind kind, String pkgpath, String message) {
    return PackageEntries.Scanned.failed(SourceProblem.ofPackage(kind, pkgpath, message));
  }

  private static PackageEntries.Scanned await(Future<PackageEntries.Scanned> f) throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException ie) {
        throw ie;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("package scan failed", cause);
    }
  }

  private static List<String> words(String s) {
    String t = s.strip();
    return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "pkgsrc-scan-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
