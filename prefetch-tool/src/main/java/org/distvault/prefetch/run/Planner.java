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
 *
 * <p>Most contents are expected by one entry: such a group holds that entry alone and builds no
 * collections, so that planning a whole tree (160,000 entries) costs a map entry per content.
 */
final class Planner {
  private static final List<DigestAlgorithm> STRENGTH = List.of(
      DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA256, DigestAlgorithm.RMD160,
      DigestAlgorithm.SHA1);

  private Planner() {}

  /** Plans downloads for {@code entries}, in the order of each group's first entry. */
  static List<DownloadJob> plan(List<ExpectedDistfile> entries) {
    Map<Object, Group> byIdentity = new HashMap<>(entries.size() * 4 / 3 + 1);
    List<Group> groups = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      ExpectedDistfile e = entries.get(i);
      Object identity = identity(e);
      Group first = byIdentity.get(identity);
      Group home = null;
      Group last = null;
      for (Group g = first; g != null; g = g.next) {
        if (g.accepts(e)) {
          home = g;
          break;
        }
        last = g;
      }
      if (home != null) {
        home.add(e, i);
        continue;
      }
      home = new Group(e, i);
      if (last == null) {
        byIdentity.put(identity, home);
      } else {
        last.next = home; // same identity, contradicting every group so far
      }
      groups.add(home);
    }
    List<DownloadJob> jobs = new ArrayList<>(groups.size());
    for (Group g : groups) {
      jobs.add(g.job());
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

  /** Entries sharing one download: the first alone, or with the lists started by a second. */
  private static final class Group {
    final ExpectedDistfile first;
    final int firstPosition;
    OptionalLong size;
    Digests digests;
    /** The other entries and their positions, and every URL in order; null while there is one entry. */
    List<ExpectedDistfile> entries;
    List<Integer> positions;
    LinkedHashSet<String> urls;
    /** The next group of the same identity, whose content contradicts this one's. */
    Group next;

    Group(ExpectedDistfile e, int position) {
      first = e;
      firstPosition = position;
      size = e.size();
      digests = e.digests();
    }

    /** Whether {@code e}'s size and digests agree with the group's (those both give). */
    boolean accepts(ExpectedDistfile e) {
      if (size.isPresent() && e.size().isPresent() && size.getAsLong() != e.size().getAsLong()) {
        return false;
      }
      for (Map.Entry<DigestAlgorithm, Digest> d : e.digests().asMap().entrySet()) {
        Optional<Digest> mine = digests.get(d.getKey());
        if (mine.isPresent() && !mine.get().equals(d.getValue())) {
          return false;
        }
      }
      return true;
    }

    void add(ExpectedDistfile e, int position) {
      if (entries == null) {
        entries = new ArrayList<>();
        positions = new ArrayList<>();
        urls = new LinkedHashSet<>(first.urls());
        entries.add(first);
        positions.add(firstPosition);
      }
      entries.add(e);
      positions.add(position);
      urls.addAll(e.urls());
      if (size.isEmpty()) {
        size = e.size();
      }
      if (!digests.algorithms().containsAll(e.digests().algorithms())) {
        digests = digests.merge(e.digests());
      }
    }

    DownloadJob job() {
      if (entries == null) {
        return new DownloadJob(List.of(first), List.of(firstPosition), size, digests, first.urls());
      }
      return new DownloadJob(entries, positions, size, digests, new ArrayList<>(urls));
    }
  }
}
