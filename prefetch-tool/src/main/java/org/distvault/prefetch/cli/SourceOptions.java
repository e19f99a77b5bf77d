package org.distvault.prefetch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.source.MirrorSite;
import org.distvault.prefetch.source.ScanOptions;
import picocli.CommandLine.Option;

/**
 * The options that say where expected distfiles come from without a manifest: distinfo files
 * with mirror sites, or a pkgsrc tree scanned with bmake. Shared by {@code prefetch} (which also
 * takes {@code --manifest}) and {@code manifest}; {@link #forPrefetch} and {@link #forManifest}
 * check that exactly one input kind was given and turn the options into an {@link EntryInput}.
 */
final class SourceOptions {
  @Option(names = "--distinfo", arity = "1..*", paramLabel = "DIR_OR_FILE",
      description = "distinfo files, or directories searched for them (cat/pkg/distinfo); needs --site")
  List<Path> distinfo = new ArrayList<>();

  @Option(names = "--site", arity = "1..*", paramLabel = "URL",
      description = "Mirror sites in the NetBSD layout (site + [DIST_SUBDIR/]name) for --distinfo, tried in "
          + "order: http(s)://, ftp://, or file:///DIR/ (or /DIR) to import an existing DISTDIR")
  List<String> sites = new ArrayList<>();

  @Option(names = "--pkgsrc", paramLabel = "DIR",
      description = "A pkgsrc tree: every package pbulk's full scan visits, asked with bmake show-vars")
  Path pkgsrc;

  @Option(names = "--pkgpaths", paramLabel = "FILE",
      description = "With --pkgsrc: only these packages (one category/package per line, # comments)")
  Path pkgpaths;

  @Option(names = "--pbulk-presolve", paramLabel = "FILE",
      description = "With --pkgsrc: only the packages of pbulk's meta/presolve, each MULTI_VERSION variant")
  Path presolve;

  @Option(names = "--bmake", paramLabel = "PATH",
      description = "With --pkgsrc: the bmake to run (default: bmake from PATH)")
  String bmake;

  /** The input of {@code prefetch}: {@code --manifest}, distinfo files, or a pkgsrc tree. */
  EntryInput forPrefetch(Path manifest) throws CliException {
    return input(Optional.ofNullable(manifest),
        "give --manifest FILE.jsonl, or --distinfo DIR_OR_FILE... with --site URL..., or --pkgsrc DIR");
  }

  /** The input of {@code manifest}: distinfo files or a pkgsrc tree. */
  EntryInput forManifest() throws CliException {
    return input(Optional.empty(), "give --pkgsrc DIR, or --distinfo DIR_OR_FILE... with --site URL...");
  }

  private EntryInput input(Optional<Path> manifest, String choices) throws CliException {
    List<String> given = new ArrayList<>();
    manifest.ifPresent(m -> given.add("--manifest"));
    if (!distinfo.isEmpty()) {
      given.add("--distinfo");
    }
    if (pkgsrc != null) {
      given.add("--pkgsrc");
    }
    if (given.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "no input: " + choices);
    }
    if (given.size() > 1) {
      throw new CliException(ExitCode.USAGE, "give only one input, not " + String.join(" and ", given) + ": "
          + choices);
    }
    if (!sites.isEmpty() && distinfo.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "--site goes with --distinfo");
    }
    requirePkgsrcFor("--pkgpaths", pkgpaths);
    requirePkgsrcFor("--pbulk-presolve", presolve);
    requirePkgsrcFor("--bmake", bmake);
    if (manifest.isPresent()) {
      return new EntryInput.ManifestFile(manifest.get());
    }
    if (!distinfo.isEmpty()) {
      return new EntryInput.DistinfoFiles(distinfo, mirrorSites());
    }
    if (pkgpaths != null && presolve != null) {
      throw new CliException(ExitCode.USAGE, "give --pkgpaths or --pbulk-presolve, not both");
    }
    ScanOptions scan = ScanOptions.defaults();
    if (bmake != null) {
      try {
        scan = scan.withBmake(bmake);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--bmake: " + e.getMessage(), e);
      }
    }
    return new EntryInput.PkgsrcTree(pkgsrc, Optional.ofNullable(pkgpaths), Optional.ofNullable(presolve), scan);
  }

  private void requirePkgsrcFor(String option, Object value) throws CliException {
    if (value != null && pkgsrc == null) {
      throw new CliException(ExitCode.USAGE, option + " goes with --pkgsrc");
    }
  }

  private List<MirrorSite> mirrorSites() throws CliException {
    if (sites.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "--distinfo needs at least one --site URL to fetch from, e.g. "
          + "--site https://cdn.NetBSD.org/pub/pkgsrc/distfiles/ or --site file:///usr/pkgsrc/distfiles/");
    }
    List<MirrorSite> out = new ArrayList<>(sites.size());
    for (String s : sites) {
      try {
        out.add(MirrorSite.parse(s));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--site: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
