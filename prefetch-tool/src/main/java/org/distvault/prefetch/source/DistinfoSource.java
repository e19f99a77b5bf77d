package org.distvault.prefetch.source;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distinfo.DistfileEntry;
import org.distvault.storage.distinfo.Distinfo;
import org.distvault.storage.distinfo.DistinfoParser;
import org.distvault.storage.distinfo.DistinfoProblem;

/**
 * Builds expected distfiles from distinfo files and mirror sites in the NetBSD layout, without
 * running pkgsrc: every distfile entry becomes an entry whose URLs are {@code site +
 * [DIST_SUBDIR/]name} on each site, in the order the sites were given.
 *
 * <p><b>Inputs.</b> A file is read as a distinfo whatever its name. A directory is searched for
 * files named {@code distinfo} at most {@value #MAX_DEPTH} levels down, so it may be a pkgsrc
 * tree ({@code cat/pkg/distinfo}), a category or a package; hidden directories and {@code CVS}
 * are not entered, symbolic links to directories are not followed (links to files are read). Files are read in path
 * order; a file reached twice is read once.
 *
 * <p><b>PKGPATH.</b> pkgsrc's own rule: the last two directories above the file ({@code
 * devel/cmake} for {@code .../devel/cmake/distinfo}), when they form a valid PKGPATH; otherwise
 * the entries name no package.
 *
 * <p><b>What is left out.</b> Patch entries (they are not fetched). Entries that list no digest
 * distvault can compute, which the parser reports as a problem of their line. Malformed lines
 * are reported with {@code file:line} and do not stop the run.
 *
 * <p>Entries of one name from several files merge when they describe the same content (see
 * {@link EntryMerger}); different contents of one name stay separate entries.
 */
public final class DistinfoSource {
  /** How deep directories are searched: {@code DIR/cat/pkg/distinfo}. */
  public static final int MAX_DEPTH = 3;

  private DistinfoSource() {}

  /**
   * Reads the distinfo files under {@code inputs} and gives their distfiles URLs on {@code sites}.
   *
   * @throws NoSuchFileException when an input does not exist
   * @throws IOException when an input directory cannot be listed at all
   */
  public static SourceResult read(List<Path> inputs, List<MirrorSite> sites) throws IOException {
    List<SourceProblem> problems = new ArrayList<>();
    EntryMerger merger = new EntryMerger();
    for (Path file : distinfoFiles(inputs, problems)) {
      Optional<String> pkgpath = pkgpathOf(file);
      Distinfo distinfo;
      try {
        distinfo = DistinfoParser.parse(file);
      } catch (IOException e) {
        problems.add(new SourceProblem(ProblemKind.DISTINFO_UNREADABLE, file.toString(), pkgpath,
            "cannot read: " + e.getMessage()));
        continue;
      }
      for (DistinfoProblem p : distinfo.problems()) {
        problems.add(SourceProblem.ofDistinfo(p, pkgpath));
      }
      for (DistfileEntry e : distinfo.distfiles()) {
        if (!e.verifiable()) {
          continue; // the parser reported the line: "no digest distvault can verify"
        }
        List<String> urls = new ArrayList<>(sites.size());
        for (MirrorSite site : sites) {
          urls.add(site.url(e.name().value()));
        }
        merger.add(new ExpectedDistfile(e.name(), e.size(), e.digests(),
            pkgpath.map(Set::of).orElse(Set.of()), urls));
      }
    }
    return new SourceResult(merger.entries(), problems);
  }

  /**
   * The PKGPATH pkgsrc would give the package owning this distinfo: its two parent directories'
   * names, when they make a valid {@code category/package}.
   */
  public static Optional<String> pkgpathOf(Path distinfo) {
    Path abs = distinfo.toAbsolutePath().normalize();
    Path pkg = abs.getParent();
    Path cat = pkg == null ? null : pkg.getParent();
    if (cat == null || cat.getFileName() == null || pkg.getFileName() == null) {
      return Optional.empty();
    }
    String candidate = cat.getFileName() + "/" + pkg.getFileName();
    try {
      return Optional.of(ExpectedDistfile.checkPkgpath(candidate));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // e.g. a directory name with a space: no PKGPATH to give
    }
  }

  private static List<Path> distinfoFiles(List<Path> inputs, List<SourceProblem> problems)
      throws IOException {
    Set<Path> seen = new LinkedHashSet<>();
    for (Path input : inputs) {
      if (!Files.exists(input)) {
        throw new NoSuchFileException(input.toString(), null, "no such distinfo file or directory");
      }
      if (Files.isDirectory(input)) {
        TreeSet<Path> found = new TreeSet<>();
        Files.walkFileTree(input, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
            finder(input, found, problems));
        seen.addAll(found);
      } else {
        seen.add(input);
      }
    }
    // Several inputs may reach one file (a tree and one of its packages): read it once.
    Set<Path> real = new LinkedHashSet<>();
    List<Path> out = new ArrayList<>();
    for (Path p : seen) {
      if (real.add(p.toAbsolutePath().normalize())) {
        out.add(p);
      }
    }
    return out;
  }

  private static FileVisitor<Path> finder(Path root, Set<Path> found, List<SourceProblem> problems) {
    return new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean skip = !dir.equals(root) && (name.startsWith(".") || name.equals("CVS"));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        boolean regular = attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(file);
        if (regular && file.getFileName().toString().equals("distinfo")) {
          found.add(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (file.equals(root)) {
          throw e;
        }
        problems.add(new SourceProblem(ProblemKind.DISTINFO_UNREADABLE, file.toString(),
            Optional.empty(), "cannot list or read: " + e.getMessage()));
        return FileVisitResult.CONTINUE;
      }
    };
  }
}
