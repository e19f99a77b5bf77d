package org.distvault.storage.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.BlobStore;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.Variant;
import org.distvault.storage.vault.GcReport.Garbage;
import org.distvault.storage.vault.GcReport.Kept;
import org.distvault.storage.vault.GcReport.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mark-and-sweep garbage collection of a vault's blobs (see {@link Vault#gc}).
 *
 * <p>Mark: a blob is live when a filling set binds it or expects it (a variant with one of its
 * digests and, when known, its size), when a sealed set binds it (its seal in force), or when one
 * of the last {@code keepSeals} seals of a set lists it ({@code DATA/seals/<hex>.tsv}). Sweep: every
 * other recorded blob, unless an ingest published or recorded it after the collection started.
 * Each deletion drops the catalog record first, in a write of its own that refuses a blob bound
 * meanwhile, and then the file, both under the blob's lock in the blob store, so that an ingest of
 * the same content comes either before (and the blob is spared) or after (and stores it anew). A
 * crash between the two leaves a file without a record, which the next start records again, and
 * which is garbage again for the next collection. A remote backend is not reconciled at start: its
 * objects without a record (a crash between an ingest's upload and its record, or between the two
 * steps of a deletion) are garbage here, unless live or touched by an ingest of this process. Last,
 * the seal listings that no kept seal refers to any more are counted and, when applied, deleted
 * ({@link StateKeeper#pruneListings}).
 */
final class GarbageCollector {
  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
  /** Where {@link Vault#deleteSet} keeps the names a deleted set bound ({@code <set>-<millis>.tsv}). */
  static final String DELETED_SETS = "deleted-sets";

  private final Catalog catalog;
  private final BlobBackend blobs;
  private final Path dataDir;
  private final StateKeeper keeper;
  private final Touches touches;
  private final Runnable beforeSweep;

  /** @param beforeSweep run between the mark and the deletions (tests race it with ingests and binds) */
  GarbageCollector(Catalog catalog, BlobBackend blobs, Path dataDir, StateKeeper keeper, Touches touches,
      Runnable beforeSweep) {
    this.catalog = catalog;
    this.blobs = blobs;
    this.dataDir = dataDir;
    this.keeper = keeper;
    this.touches = touches;
    this.beforeSweep = beforeSweep;
  }

  GcReport run(int keepSeals, boolean apply, long bytesWanted) throws IOException {
    if (keepSeals < 0) {
      throw new IllegalArgumentException("keepSeals must be 0 or more, got " + keepSeals);
    }
    long start = touches.begin();
    try {
      return run(start, keepSeals, apply, bytesWanted);
    } finally {
      touches.end();
    }
  }

  private GcReport run(long start, int keepSeals, boolean apply, long bytesWanted) throws IOException {
    Map<Digest, Map<SetName, EnumSet<Reason>>> live = new HashMap<>();
    for (SetName set : keeper.sets().names()) {
      mark(set, keepSeals, live);
    }
    List<BlobRecord> garbage = new ArrayList<>();
    Map<Digest, Long> sizes = new HashMap<>();
    Optional<Digest> after = Optional.empty();
    for (List<BlobRecord> page = catalog.listBlobs(after, Catalog.MAX_PAGE); !page.isEmpty();
        page = catalog.listBlobs(after, Catalog.MAX_PAGE)) {
      for (BlobRecord b : page) {
        if (live.containsKey(b.sha512())) {
          sizes.put(b.sha512(), b.size());
        } else if (!touches.since(b.sha512(), start)) {
          garbage.add(b);
        }
      }
      after = Optional.of(page.get(page.size() - 1).sha512());
    }
    Set<Digest> unrecorded = unrecorded(live, garbage);
    long garbageBytes = garbage.stream().mapToLong(BlobRecord::size).sum();
    List<BlobRecord> largest = garbage.stream()
        .sorted(Comparator.comparingLong(BlobRecord::size).reversed().thenComparing(b -> b.sha512().hex()))
        .limit(GcReport.LARGEST).toList();
    Map<Digest, TreeSet<String>> names = names(largest);
    List<Garbage> listed = largest.stream()
        .map(b -> new Garbage(b.sha512(), b.size(), List.copyOf(names.getOrDefault(b.sha512(), new TreeSet<>()))))
        .toList();
    long freedCount = 0;
    long freedBytes = 0;
    beforeSweep.run();
    if (apply) {
      Set<String> left = new HashSet<>();
      garbage.forEach(b -> left.add(b.sha512().hex()));
      List<BlobRecord> oldestFirst = new ArrayList<>(garbage);
      oldestFirst.sort(Comparator.comparing(BlobRecord::storedAt).thenComparing(b -> b.sha512().hex()));
      for (BlobRecord b : oldestFirst) {
        if (freedBytes >= bytesWanted) {
          break;
        }
        Digest d = b.sha512();
        BooleanSupplier forget = unrecorded.contains(d)
            ? () -> !touches.touched(d) && catalog.blob(d).isEmpty()
            : () -> !touches.since(d, start) && catalog.collectBlob(d);
        if (blobs.collect(d, forget)) {
          freedCount++;
          freedBytes += b.size();
          left.remove(d.hex());
        } else {
          log.info("gc: blob {} was referenced while the collection ran: kept", d.hex());
        }
      }
      log.info("gc: {} garbage blobs ({} bytes), {} deleted ({} bytes)", garbage.size(), garbageBytes, freedCount,
          freedBytes);
      forgetDeletedSetsWithoutGarbage(left);
    }
    int listings = keeper.pruneListings(keepSeals, apply);
    return new GcReport(apply, keepSeals, garbage.size(), garbageBytes, listed, kept(live, sizes), freedCount,
        freedBytes, listings, apply ? listings : 0);
  }

  /**
   * Adds to {@code garbage} the objects of a remote backend that have no catalog record, are not
   * live, and that no ingest of this process touched (so none is between its upload and its
   * record): what a crash between the two left, which the start-up does not look for there (it
   * reconciles only local blob files). Each is listed as stored at the epoch, so it goes first.
   *
   * @return their digests
   */
  private Set<Digest> unrecorded(Map<Digest, ?> live, List<BlobRecord> garbage) throws IOException {
    Set<Digest> found = new HashSet<>();
    if (blobs instanceof BlobStore || !blobs.ownsBlobs()) {
      return found;
    }
    Optional<Digest> after = Optional.empty();
    for (List<Digest> page = blobs.list(after, Catalog.MAX_PAGE); !page.isEmpty();
        page = blobs.list(after, Catalog.MAX_PAGE)) {
      for (Digest d : page) {
        if (!live.containsKey(d) && !touches.touched(d) && catalog.blob(d).isEmpty()) {
          OptionalLong size = blobs.size(d);
          if (size.isPresent()) {
            garbage.add(BlobRecord.stored(Digests.of(List.of(d)), size.getAsLong(), Instant.EPOCH));
            found.add(d);
          }
        }
      }
      after = Optional.of(page.get(page.size() - 1));
    }
    if (!found.isEmpty()) {
      log.info("gc: {} objects in {} have no catalog record (left by a crash between upload and record)",
          found.size(), blobs.location());
    }
    return found;
  }

  private void mark(SetName set, int keepSeals, Map<Digest, Map<SetName, EnumSet<Reason>>> live) throws IOException {
    Optional<Seal> sealed = keeper.sealed(set);
    Reason bound = sealed.isPresent() ? Reason.SEAL : Reason.FILLING;
    Optional<DistfileName> after = Optional.empty();
    for (List<DistfileRecord> page = catalog.listDistfiles(set, after, Catalog.MAX_PAGE); !page.isEmpty();
        page = catalog.listDistfiles(set, after, Catalog.MAX_PAGE)) {
      for (DistfileRecord r : page) {
        for (Variant v : r.variants()) {
          if (v.blob().isPresent()) {
            keep(live, v.blob().get(), set, bound);
          } else if (sealed.isEmpty()) {
            for (Digest d : v.digests().asMap().values()) {
              for (BlobRecord b : catalog.blobsByDigest(d)) {
                if (v.size().isEmpty() || v.size().getAsLong() == b.size()) {
                  keep(live, b.sha512(), set, Reason.FILLING);
                }
              }
            }
          }
        }
      }
      after = Optional.of(page.get(page.size() - 1).name());
    }
    List<Seal> history = keeper.history().of(set);
    for (Seal seal : history.subList(0, Math.min(keepSeals, history.size()))) {
      if (sealed.isPresent() && sealed.get().digest().equals(seal.digest())) {
        continue; // the seal in force: its bindings, marked above
      }
      List<String> lines = keeper.sealer().readListing(seal);
      if (lines.isEmpty() && seal.entries() > 0) {
        throw new IllegalStateException("the listing " + keeper.sealer().listing(seal) + " of seal " + seal.digest()
            + " of set " + set + " is missing: garbage collection refuses to run without knowing what it keeps"
            + " (restore the file, or run with fewer seals kept)");
      }
      for (String line : lines) {
        keep(live, Digest.fromHex(DigestAlgorithm.SHA512, line.substring(line.lastIndexOf('\t') + 1)), set,
            Reason.PREVIOUS_SEALS);
      }
    }
  }

  private static void keep(Map<Digest, Map<SetName, EnumSet<Reason>>> live, Digest d, SetName set, Reason why) {
    live.computeIfAbsent(d, x -> new TreeMap<>()).computeIfAbsent(set, x -> EnumSet.noneOf(Reason.class)).add(why);
  }

  /** What each set keeps, of the blobs held (a seal may list a blob that is gone). */
  private static Map<SetName, Kept> kept(Map<Digest, Map<SetName, EnumSet<Reason>>> live, Map<Digest, Long> sizes) {
    Map<SetName, long[]> counts = new TreeMap<>();
    Map<SetName, EnumSet<Reason>> reasons = new TreeMap<>();
    for (Map.Entry<Digest, Map<SetName, EnumSet<Reason>>> e : live.entrySet()) {
      Long size = sizes.get(e.getKey());
      if (size == null) {
        continue;
      }
      e.getValue().forEach((set, why) -> {
        long[] c = counts.computeIfAbsent(set, x -> new long[2]);
        c[0]++;
        c[1] += size;
        reasons.computeIfAbsent(set, x -> EnumSet.noneOf(Reason.class)).addAll(why);
      });
    }
    Map<SetName, Kept> out = new TreeMap<>();
    counts.forEach((set, c) -> out.put(set, new Kept(c[0], c[1], reasons.get(set))));
    return out;
  }

  /** The names the blobs have in any kept seal listing ({@code DATA/seals/*.tsv}). */
  private Map<Digest, TreeSet<String>> names(List<BlobRecord> of) throws IOException {
    Map<String, TreeSet<String>> byHex = new HashMap<>();
    of.forEach(b -> byHex.put(b.sha512().hex(), new TreeSet<>()));
    for (Path dir : List.of(dataDir.resolve("seals"), dataDir.resolve(DELETED_SETS))) {
    if (!byHex.isEmpty() && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> listings = Files.newDirectoryStream(dir, "*.tsv")) {
        for (Path listing : listings) {
          try (var lines = Files.lines(listing, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
              int tab = line.lastIndexOf('\t');
              TreeSet<String> n = tab < 0 ? null : byHex.get(line.substring(tab + 1));
              if (n != null) {
                n.add(line.substring(0, tab));
              }
            });
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
        }
      }
    }
    }
    Map<Digest, TreeSet<String>> out = new HashMap<>();
    Set<Digest> wanted = new HashSet<>();
    of.forEach(b -> wanted.add(b.sha512()));
    for (Digest d : wanted) {
      out.put(d, byHex.get(d.hex()));
    }
    return out;
  }

  /**
   * Removes the kept names of deleted sets that name no garbage left: their other blobs are live
   * (and named by whoever keeps them) or gone.
   */
  private void forgetDeletedSetsWithoutGarbage(Set<String> left) {
    Path dir = dataDir.resolve(DELETED_SETS);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> listings = Files.newDirectoryStream(dir, "*.tsv")) {
      for (Path listing : listings) {
        boolean names;
        try (var lines = Files.lines(listing, StandardCharsets.UTF_8)) {
          names = lines.anyMatch(l -> left.contains(l.substring(l.lastIndexOf('\t') + 1)));
        }
        if (!names) {
          Files.delete(listing);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("gc: cannot tidy {}: {}", dir, e.toString());
    }
  }
}
