package org.distvault.prefetch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.manifest.Manifest;
import org.distvault.prefetch.manifest.ManifestError;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.prefetch.source.BmakeUnavailableException;
import org.distvault.prefetch.source.DistinfoSource;
import org.distvault.prefetch.source.MirrorSite;
import org.distvault.prefetch.source.PkgpathListReader;
import org.distvault.prefetch.source.PkgsrcScanner;
import org.distvault.prefetch.source.PresolveReader;
import org.distvault.prefetch.source.ScanOptions;
import org.distvault.prefetch.source.SourceResult;

/**
 * Where a command's expected distfiles come from, chosen by {@link SourceOptions}: a manifest
 * file, distinfo files with mirror sites, or a pkgsrc tree.
 *
 * <p>{@link #load} reads the input. Input that cannot be used at all (a missing file, a manifest
 * with a malformed line, a directory that is not a pkgsrc tree, no bmake) is bad input, exit 2,
 * and nothing is uploaded. Problems of single packages or distinfo lines are not: they come back
 * in {@link SourceResult#problems()} beside the entries that could be built.
 */
sealed interface EntryInput {
  /** Malformed manifest lines named in the error message. */
  int MAX_LISTED_ERRORS = 10;

  /**
   * Checks, without reading, that the named files and directories exist, so that a typo fails at
   * once rather than after the server was contacted.
   */
  void checkExists() throws CliException;

  /** Reads the input. */
  SourceResult load() throws CliException, InterruptedException;

  /** Fails with exit 2 unless {@code file} is a regular file. */
  static void requireFile(String option, Path file) throws CliException {
    if (!Files.isRegularFile(file)) {
      throw new CliException(ExitCode.USAGE, option + " " + file + ": no such file");
    }
  }

  /** A JSON-lines manifest; accepted only whole. */
  record ManifestFile(Path file) implements EntryInput {
    @Override
    public void checkExists() throws CliException {
      requireFile("--manifest", file);
    }

    @Override
    public SourceResult load() throws CliException {
      checkExists();
      Manifest m;
      try {
        m = ManifestReader.readAll(file, MAX_LISTED_ERRORS);
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "cannot read --manifest " + file + ": " + e.getMessage(), e);
      }
      if (m.errorCount() > 0) {
        StringBuilder b = new StringBuilder();
        for (ManifestError e : m.errors()) {
          b.append(b.length() == 0 ? "" : "\n  ").append(file).append(':').append(e.line()).append(": ")
              .append(e.problem());
        }
        b.append("\n  ").append(m.errorCount()).append(" malformed line").append(m.errorCount() == 1 ? "" : "s")
            .append(" in ").append(file).append(": nothing was uploaded or fetched");
        throw new CliException(ExitCode.USAGE, b.toString());
      }
      return new SourceResult(m.entries(), List.of());
    }
  }

  /** distinfo files (or directories holding them) and the mirror sites to fetch from. */
  record DistinfoFiles(List<Path> inputs, List<MirrorSite> sites) implements EntryInput {
    public DistinfoFiles {
      inputs = List.copyOf(inputs);
      sites = List.copyOf(sites);
    }

    @Override
    public void checkExists() throws CliException {
      for (Path p : inputs) {
        if (!Files.exists(p)) {
          throw new CliException(ExitCode.USAGE, "--distinfo " + p + ": no such file or directory");
        }
      }
    }

    @Override
    public SourceResult load() throws CliException {
      try {
        return DistinfoSource.read(inputs, sites);
      } catch (NoSuchFileException e) {
        throw new CliException(ExitCode.USAGE, "--distinfo " + e.getFile() + ": no such file or directory", e);
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "cannot read --distinfo: " + e.getMessage(), e);
      }
    }
  }

  /**
   * A pkgsrc tree scanned with bmake: the whole tree as pbulk's full scan sees it, or the
   * packages of a list or of pbulk's presolve file.
   */
  record PkgsrcTree(Path dir, Optional<Path> pkgpaths, Optional<Path> presolve, ScanOptions scan)
      implements EntryInput {
    @Override
    public void checkExists() throws CliException {
      if (!Files.isRegularFile(dir.resolve("Makefile"))) {
        throw new CliException(ExitCode.USAGE, "--pkgsrc " + dir + " is not a pkgsrc tree (no Makefile there)");
      }
      if (pkgpaths.isPresent()) {
        requireFile("--pkgpaths", pkgpaths.get());
      }
      if (presolve.isPresent()) {
        requireFile("--pbulk-presolve", presolve.get());
      }
    }

    @Override
    public SourceResult load() throws CliException, InterruptedException {
      checkExists();
      PkgsrcScanner scanner = new PkgsrcScanner(dir, scan);
      try {
        if (pkgpaths.isPresent()) {
          return scanner.scan(PkgpathListReader.read(pkgpaths.get()));
        }
        if (presolve.isPresent()) {
          return scanner.scan(PresolveReader.read(presolve.get()));
        }
        return scanner.scanTree();
      } catch (BmakeUnavailableException e) {
        throw new CliException(ExitCode.USAGE, e.getMessage(), e);
      } catch (IOException e) {
        throw new CliException(ExitCode.USAGE, "cannot scan --pkgsrc " + dir + ": " + e.getMessage(), e);
      }
    }
  }
}
