package org.distvault.prefetch.source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distvault.prefetch.manifest.UpstreamUrls;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distinfo.DistfileEntry;

/**
 * Joins what bmake said about one package with its distinfo: one entry per file pkgsrc
 * checksums, with the package's PKGPATH, the distinfo's size and digests, and the URLs pkgsrc
 * would try, in its order.
 *
 * <p>URLs, as pkgsrc's {@code mk/fetch/fetch} forms them: for each word of {@code SITES.<file>},
 * a word starting with {@code -} is a full URL used verbatim (GitHub archives, Go modules,
 * crates), any other word is a site to which the file's basename is appended as written
 * (never the DIST_SUBDIR: that only names the DISTDIR directory). Then, kept apart as mirror
 * URLs, each {@code _MASTER_SITE_BACKUP} word (DIST_SUBDIR included) plus the basename, encoded
 * for the mirror layout (see {@link UrlPaths}). A word that does not make a usable URL (e.g. a {@code
 * getsite.sh} command) is dropped and reported once.
 *
 * <p>Stateless.
 */
final class PackageEntries {
  /** How many names a problem lists before it says "and N more". */
  private static final int LISTED_NAMES = 5;

  private PackageEntries() {}

  /**
   * One file the package expects: the entry with the package's own URLs, and apart from them
   * the mirror URLs, which go after every package's own URLs when entries merge.
   */
  record Found(ExpectedDistfile entry, List<String> mirrorUrls) {}

  /** What one package gave. */
  record Scanned(List<Found> found, List<SourceProblem> problems) {
    static Scanned failed(SourceProblem problem) {
      return new Scanned(List.of(), List.of(problem));
    }
  }

  static Scanned build(PackageRef ref, Path pkgdir, PackageVars vars, DistinfoCache cache) {
    String pkgpath = ref.pkgpath();
    String who = vars.pkgname().isEmpty() ? ref.toString() : vars.pkgname();
    List<SourceProblem> problems = new ArrayList<>();
    if (!vars.failReason().isEmpty()) {
      problems.add(SourceProblem.ofPackage(ProblemKind.PKG_FAIL_REASON, pkgpath,
          who + " not prefetched: PKG_FAIL_REASON " + vars.failReason()));
      return new Scanned(List.of(), problems);
    }
    if (!vars.skipReason().isEmpty()) {
      problems.add(SourceProblem.ofPackage(ProblemKind.PKG_SKIP_REASON, pkgpath,
          who + " not prefetched: PKG_SKIP_REASON " + vars.skipReason()));
      return new Scanned(List.of(), problems);
    }
    if (vars.noChecksum()) {
      if (!vars.sitesByFile().isEmpty()) {
        problems.add(SourceProblem.ofPackage(ProblemKind.NOT_CHECKSUMMED, pkgpath,
            "NO_CHECKSUM is set: pkgsrc verifies none of " + names(vars.sitesByFile().keySet())
                + ", so they are not prefetched"));
      }
      return new Scanned(List.of(), problems);
    }
    Set<String> cksumfiles = new LinkedHashSet<>(vars.cksumfiles());
    for (String fetched : vars.sitesByFile().keySet()) {
      if (!cksumfiles.contains(fetched)) {
        problems.add(SourceProblem.ofPackage(ProblemKind.NOT_CHECKSUMMED, pkgpath,
            "'" + fetched + "' is fetched but never checksummed by pkgsrc (IGNOREFILES): not prefetched"));
      }
    }
    if (cksumfiles.isEmpty()) {
      return new Scanned(List.of(), problems);
    }
    if (vars.distinfoFile().isEmpty()) {
      problems.add(SourceProblem.ofPackage(ProblemKind.NO_CHECKSUM, pkgpath,
          "DISTINFO_FILE is empty: no checksum for " + names(cksumfiles)));
      return new Scanned(List.of(), problems);
    }
    Path distinfoPath = pkgdir.resolve(vars.distinfoFile()).toAbsolutePath().normalize();
    DistinfoCache.Loaded distinfo = cache.get(distinfoPath);
    if (distinfo.error().isPresent()) {
      problems.add(SourceProblem.ofPackage(ProblemKind.NO_CHECKSUM, pkgpath,
          "DISTINFO_FILE " + distinfoPath + " " + distinfo.error().get() + ": no checksum for "
              + names(cksumfiles)));
      return new Scanned(List.of(), problems);
    }
    List<Found> found = new ArrayList<>();
    Map<String, String> badSites = new LinkedHashMap<>();
    for (String name : cksumfiles) {
      Optional<DistfileEntry> listed = distinfo.entry(name);
      if (listed.isEmpty()) {
        problems.add(SourceProblem.ofPackage(ProblemKind.NO_CHECKSUM, pkgpath,
            "no checksum for '" + name + "' in " + distinfoPath));
        continue;
      }
      DistfileEntry e = listed.get();
      if (!e.verifiable()) {
        problems.add(SourceProblem.ofPackage(ProblemKind.UNVERIFIABLE, pkgpath,
            "'" + name + "' has no digest distvault can compute in " + distinfoPath + " (only "
                + String.join(", ", e.otherDigests().keySet()) + ")"));
        continue;
      }
      String basename = e.name().basename();
      List<String> urls = siteUrls(basename, vars.sitesByFile().getOrDefault(name, List.of()), badSites);
      found.add(new Found(new ExpectedDistfile(e.name(), e.size(), e.digests(), Set.of(pkgpath), urls),
          mirrorUrls(basename, vars.backupSites(), badSites)));
    }
    badSites.forEach((site, why) -> problems.add(SourceProblem.ofPackage(ProblemKind.BAD_SITE, pkgpath,
        "site '" + site + "' dropped: " + why)));
    return new Scanned(found, problems);
  }

  private static List<String> siteUrls(String basename, List<String> sites, Map<String, String> badSites) {
    List<String> urls = new ArrayList<>();
    for (String site : sites) {
      String url = site.startsWith("-") ? site.substring(1) : site + UrlPaths.upstreamName(basename);
      String problem = UpstreamUrls.problem(url);
      if (problem == null) {
        urls.add(url);
      } else {
        badSites.putIfAbsent(site, "'" + url + "' is not a usable URL: " + problem);
      }
    }
    return urls;
  }

  private static List<String> mirrorUrls(String basename, List<String> backupSites, Map<String, String> badSites) {
    List<String> urls = new ArrayList<>();
    for (String site : backupSites) {
      try {
        urls.add(MirrorSite.parse(site).url(basename));
      } catch (IllegalArgumentException e) {
        badSites.putIfAbsent(site, e.getMessage());
      }
    }
    return urls;
  }

  private static String names(Set<String> names) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (String n : names) {
      if (i == LISTED_NAMES) {
        return b.append(" and ").append(names.size() - LISTED_NAMES).append(" more").toString();
      }
      b.append(i == 0 ? "" : ", ").append('\'').append(n).append('\'');
      i++;
    }
    return b.toString();
  }
}
