package org.distvault.prefetch.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.distvault.storage.distfile.ContentIdentity;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;

/**
 * Collects entries from many packages or distinfo files into one entry per content of a name.
 *
 * <p>Two entries of one name are the same content under the catalog's rule ({@link
 * ContentIdentity}): sizes do not conflict, every algorithm both list has the same digest, and
 * they share at least one algorithm. Then their PKGPATHs are united, their digests merged, and
 * the later entry's new URLs appended; mirror URLs (pkgsrc's {@code MASTER_SITE_BACKUP}, tried
 * last) stay behind every package's own sites, as pkgsrc orders them for one package. Otherwise
 * they stay apart (wip/pheanstalk and wip/boron both expect a different {@code
 * v2.1.0.tar.gz}). Names come out in first-seen order, contents of one name in the order they
 * were first seen.
 *
 * <p>Not thread-safe.
 */
final class EntryMerger {
  private final Map<DistfileName, List<Group>> byName = new LinkedHashMap<>();

  /** Adds an entry whose URLs are all tried in their order. */
  void add(ExpectedDistfile e) {
    add(e, List.of());
  }

  /** Adds an entry, with mirror URLs to try after every package's own URLs for this content. */
  void add(ExpectedDistfile e, List<String> mirrorUrls) {
    group(e, mirrorUrls);
  }

  /** Adds an entry that package {@code by} expects, and remembers that it asked. */
  void add(ExpectedDistfile e, List<String> mirrorUrls, PackageRef by) {
    group(e, mirrorUrls).requesters.add(by);
  }

  private Group group(ExpectedDistfile e, List<String> mirrorUrls) {
    List<Group> groups = byName.computeIfAbsent(e.name(), n -> new ArrayList<>(1));
    for (Group g : groups) {
      if (g.sameContent(e)) {
        g.merge(e, mirrorUrls);
        return g;
      }
    }
    Group g = new Group(e, mirrorUrls);
    groups.add(g);
    return g;
  }

  List<ExpectedDistfile> entries() {
    List<ExpectedDistfile> out = new ArrayList<>();
    byName.forEach((name, groups) -> groups.forEach(g -> out.add(g.toEntry(name))));
    return out;
  }

  /** The packages that asked for each entry of {@link #entries()} (those added with a package). */
  Map<ExpectedDistfile, Set<PackageRef>> requesters() {
    Map<ExpectedDistfile, Set<PackageRef>> out = new LinkedHashMap<>();
    byName.forEach((name, groups) -> groups.forEach(g -> out.put(g.toEntry(name), g.requesters)));
    return out;
  }

  /** One content of a name, as it grows. */
  private static final class Group {
    private OptionalLong size;
    private Digests digests;
    private final TreeSet<String> pkgpaths;
    private final LinkedHashSet<String> urls;
    private final LinkedHashSet<String> mirrorUrls;
    private final LinkedHashSet<PackageRef> requesters = new LinkedHashSet<>();

    Group(ExpectedDistfile e, List<String> mirrors) {
      size = e.size();
      digests = e.digests();
      pkgpaths = new TreeSet<>(e.pkgpaths());
      urls = new LinkedHashSet<>(e.urls());
      mirrorUrls = new LinkedHashSet<>(mirrors);
    }

    boolean sameContent(ExpectedDistfile e) {
      return ContentIdentity.same(size, digests, e.size(), e.digests());
    }

    void merge(ExpectedDistfile e, List<String> mirrors) {
      digests = digests.merge(e.digests());
      if (size.isEmpty()) {
        size = e.size();
      }
      pkgpaths.addAll(e.pkgpaths());
      urls.addAll(e.urls());
      mirrorUrls.addAll(mirrors);
    }

    ExpectedDistfile toEntry(DistfileName name) {
      List<String> all = new ArrayList<>(urls);
      all.addAll(mirrorUrls); // ExpectedDistfile drops a mirror URL some package also lists as its own
      return new ExpectedDistfile(name, size, digests, pkgpaths, all);
    }
  }
}
