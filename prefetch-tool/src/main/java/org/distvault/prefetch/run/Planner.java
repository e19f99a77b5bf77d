package org.distvault.prefetch.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * Groups entries by content identity so that each content is downloaded once, however many names,
 * packages or variants expect it.
 *
 * <p>The identity is the strongest digest an entry lists (SHA512, then BLAKE2s, SHA256, RMD160,
 * SHA1). Entries with the same identity share a download only when their sizes and other digests
 * agree; an entry that contradicts the group (which means one of them cannot be satisfied) gets
 * its own download. Entries without any digest are never merged with another name.
 */
final class Planner {
  private static final List<DigestAlgorithm> STRENGTH = List.of(
      DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA256, DigestAlgorithm.RMD160,
      DigestAlgorithm.SHA1);

  private Planner() {}

  /** Plans downloads for {@code entries}, in the order of each group's first entry. */
  static List<DownloadJob> plan(List<ExpectedDistfile> entries) {
    Map<Object, List<Group>> byIdentity = new HashMap<>();
    List<Group> groups = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      ExpectedDistfile e = entries.get(i);
      Object identity = identity(e);
      List<Group> candidates = byIdentity.computeIfAbsent(identity, k -> new ArrayList<>());
      Group home = null;
      for (Group g : candidates) {
        if (g.accepts(e)) {
          home = g;
          break;
        }
      }
      if (home == null) {
        home = new Group();
        candidates.add(home);
        groups.add(home);
      }
      home.add(e, i);
    }
    List<DownloadJob> jobs = new ArrayList<>(groups.size());
    for (Group g : groups) {
      jobs.add(new DownloadJob(g.entries, g.positions, g.size, g.digests, new ArrayList<>(g.urls)));
    }
    return jobs;
  }

  private static Object identity(ExpectedDistfile e) {
    for (DigestAlgorithm a : STRENGTH) {
      Optional<Digest> d = e.digests().get(a);
      if (d.isPresent()) {
        return d.get();
      }
    }
    return e.name(); // no digest: only the same name (and size) is the same content
  }

  /** Entries sharing one download. */
  private static final class Group {
    final List<ExpectedDistfile> entries = new ArrayList<>();
    final List<Integer> positions = new ArrayList<>();
    final LinkedHashSet<String> urls = new LinkedHashSet<>();
    OptionalLong size = OptionalLong.empty();
    Digests digests = Digests.empty();

    boolean accepts(ExpectedDistfile e) {
      if (size.isPresent() && e.size().isPresent() && size.getAsLong() != e.size().getAsLong()) {
        return false;
      }
      try {
        digests.merge(e.digests());
        return true;
      } catch (IllegalArgumentException conflict) {
        return false;
      }
    }

    void add(ExpectedDistfile e, int position) {
      entries.add(e);
      positions.add(position);
      urls.addAll(e.urls());
      if (size.isEmpty()) {
        size = e.size();
      }
      digests = digests.merge(e.digests());
    }
  }
}
