package org.distvault.prefetch.run;

import java.util.List;
import java.util.OptionalLong;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;

/**
 * One download serving one or more entries that expect the same content.
 *
 * @param entries the entries served (same strongest digest, compatible size and digests)
 * @param positions where each entry is in the list given to the planner
 * @param size the expected size, if any entry states it
 * @param expected every digest any entry lists
 * @param urls the URLs to try in order: the first entry's, then the others' new ones
 */
record DownloadJob(
    List<ExpectedDistfile> entries, List<Integer> positions, OptionalLong size, Digests expected, List<String> urls) {

  DownloadJob {
    entries = List.copyOf(entries);
    positions = List.copyOf(positions);
    urls = List.copyOf(urls);
  }

  /** The name used for messages and for the HTML check: the first entry's. */
  DistfileName name() {
    return entries.get(0).name();
  }
}
