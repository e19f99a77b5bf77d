package org.distvault.storage.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ContentIdentity;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a store whose catalog is lost or damaged ({@code serve --recover}): the old index is
 * moved aside (nothing is deleted), a new catalog records every blob file, the violations are
 * copied back from {@code DATA/log/violations.jsonl} under their cursors, and a sealed store gets
 * its sealed names bound again from the listing kept with the seal, so it comes up sealed with the
 * same digest when every sealed blob is still held (a listing lost from {@code DATA/seals/} is
 * taken from the seal published beside the blobs, where the backend keeps one). What cannot be
 * rebuilt (manifests, prefetch outcomes, the audit log, sealed names whose blob is gone) is
 * reported. With a remote backend, every object is read back and re-hashed ({@link
 * #recordObjects}) instead of the local blob files' start-up reconciliation.
 */
final class Recovery {
  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  /** A line of the violations file: the cursor first, then the fields the catalog stored. */
  private static final Pattern LINE = Pattern.compile("^\\{\"cursor\":(\\d+),(.*)$");

  private Recovery() {}

  /** Moves {@code DATA/index} to {@code DATA/index.damaged-<UTC time>}; empty when there was none. */
  static Optional<Path> moveIndexAside(Path dataDir, Clock clock) throws IOException {
    Path index = dataDir.resolve("index");
    if (!Files.exists(index)) {
      return Optional.empty();
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant());
    Path aside = dataDir.resolve("index.damaged-" + stamp);
    for (int i = 1; Files.exists(aside); i++) {
      aside = dataDir.resolve("index.damaged-" + stamp + "." + i);
    }
    Files.move(index, aside);
    return Optional.of(aside);
  }

  /**
   * Records every object of a remote backend that matches its name, with all its digests, read
   * back and re-hashed ({@link BlobBackend#rehashAll}); one that does not match is put aside by the
   * backend and reported as quarantined. Objects are recorded as they are found: a recovery cut
   * short leaves records only of verified objects, and is run again.
   */
  static RecoveryReport recordObjects(BlobBackend blobs, Catalog catalog, Clock clock) throws IOException {
    List<Digest> recorded = new ArrayList<>();
    List<Path> quarantined = new ArrayList<>();
    ScrubReport scan = blobs.rehashAll(b -> {
      catalog.putBlob(BlobRecord.stored(b.digests(), b.size(), clock.instant()));
      recorded.add(b.sha512());
    }, c -> quarantined.add(c.quarantinedAs()));
    log.warn("recovery: re-hashed {} objects ({} bytes) of {}: {} recorded, {} did not match their name and were"
        + " put aside, {} at keys that name no blob were left alone", scan.checked(), scan.bytes(), blobs.location(),
        recorded.size(), quarantined.size(), scan.skipped().size());
    return new RecoveryReport(0, recorded, List.of(), quarantined);
  }

  /**
   * Rebuilds what it can into {@code catalog} (new, with the blob files already recorded) and
   * returns the keeper of the store's state; adds a line per finding to {@code report}.
   */
  static StateKeeper rebuild(Path dataDir, Catalog catalog, BlobBackend blobs, Clock clock,
      Optional<StoreState> found, List<String> report) throws IOException {
    String id = found.map(StoreState::storeId).orElseGet(() -> UUID.randomUUID().toString());
    catalog.putState(StateKeeper.STORE_KEY, id.getBytes(StandardCharsets.UTF_8));
    report.add("blobs: " + catalog.stats().blobs() + " blobs recorded (" + catalog.stats().blobBytes() + " bytes)");
    importViolations(dataDir, catalog, found.map(StoreState::violationCursor).orElse(0L), report);
    TreeMap<SetName, Seal> seals = new TreeMap<>();
    SetRegistry sets = new SetRegistry(catalog, clock);
    for (Map.Entry<SetName, Seal> sealed : found.map(StoreState::seals).orElse(new TreeMap<>()).entrySet()) {
      SetName set = sealed.getKey();
      Seal seal = rebind(dataDir, catalog, blobs, set, sealed.getValue(), clock.instant(), report);
      sets.add(set);
      rememberSeals(new Sealer(catalog, dataDir), new SealHistory(catalog), set, seal, report);
      catalog.putState(StateKeeper.sealKey(set), StoreState.sealBytes(Optional.of(seal)));
      seals.put(set, seal);
    }
    int unrecorded = new Sealer(catalog, dataDir).unrecordedListings();
    if (unrecorded > 0) {
      report.add("seal history: " + unrecorded + " listings in " + dataDir.resolve("seals") + " have no record of"
          + " the sets that sealed them (written before such records were kept): they are in no set's history");
    }
    report.add("lost: manifests (expected distfiles and their URLs), prefetch outcomes, sets that were not"
        + " sealed, and the audit log; run the prefetch again " + (seals.isEmpty() ? "" : "after unsealing ")
        + "to restore them");
    StoreState state = new StoreState(id, found.map(StoreState::createdAt).orElse(clock.instant()), seals,
        catalog.lastCursor(LogKind.VIOLATIONS));
    state.write(dataDir);
    return StateKeeper.check(dataDir, catalog, clock, Optional.of(state));
  }

  /**
   * Gives {@code set} its seal history back from the records beside the kept listings, oldest seal
   * first so that the newest ends first, and the seal in force last of all: a collection then keeps
   * the blobs of its last seals as before the catalog was lost.
   */
  private static void rememberSeals(Sealer sealer, SealHistory history, SetName set, Seal inForce,
      List<String> report) throws IOException {
    List<Seal> kept = new ArrayList<>(sealer.keptSealsOf(set));
    Collections.reverse(kept);
    for (Seal s : kept.subList(Math.max(0, kept.size() - SealHistory.MAX), kept.size())) {
      history.record(set, s);
    }
    history.record(set, inForce);
    int earlier = history.of(set).size() - 1;
    report.add((set.isDefault() ? "seal history: " : "seal history of set " + set + ": ") + earlier
        + " earlier seals remembered from their listings, with the seal in force");
  }

  private static void importViolations(Path dataDir, Catalog catalog, long recorded, List<String> report)
      throws IOException {
    Path file = dataDir.resolve("log").resolve("violations.jsonl");
    TreeMap<Long, byte[]> byCursor = new TreeMap<>();
    int damaged = 0;
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          byCursor.put(Long.parseLong(m.group(1)), ("{" + m.group(2)).getBytes(StandardCharsets.UTF_8));
        } else if (!line.isBlank()) {
          damaged++;
        }
      }
    } catch (NoSuchFileException e) {
      report.add("violations: " + file + " does not exist; none restored");
    }
    Instant now = Instant.now();
    List<LogEntry> entries = new ArrayList<>();
    byCursor.forEach((c, payload) -> entries.add(new LogEntry(LogKind.VIOLATIONS, c, now, payload)));
    catalog.importLog(LogKind.VIOLATIONS, entries);
    long last = byCursor.isEmpty() ? 0 : byCursor.lastKey();
    report.add("violations: " + entries.size() + " restored from " + file
        + (damaged > 0 ? ", " + damaged + " damaged lines skipped" : "")
        + (recorded > last ? "; the store had recorded up to " + recorded + ", so " + (recorded - last)
            + " or more are lost (rotated away or never copied)" : ""));
  }

  /**
   * Binds each name of the seal's listing to its blob again, where the blob is held, and returns the
   * seal the store now has: the same one when every sealed blob is held, else the seal of what could
   * be bound (a subset of the old one, so the store stays sealed and serves nothing unsealed).
   */
  private static Seal rebind(Path dataDir, Catalog catalog, BlobBackend blobs, SetName set, Seal seal,
      Instant now, List<String> report) throws IOException {
    Sealer sealer = new Sealer(catalog, dataDir);
    List<String> lines = sealer.readListing(seal);
    boolean published = false;
    if (lines.isEmpty() && seal.entries() > 0) {
      Optional<byte[]> listing = blobs.publishedListing(set, seal.digest());
      if (listing.isPresent()) {
        lines = SealListing.boundLines(listing.get());
        published = true;
        report.add((set.isDefault() ? "seal: " : "seal of set " + set + ": ") + "the listing " + sealer.listing(seal)
            + " is missing; its " + lines.size() + " names were taken from the seal published in " + blobs.location());
      }
    }
    int bound = 0;
    List<String> missing = new ArrayList<>();
    for (String line : lines) {
      int tab = line.indexOf('\t');
      DistfileName name = DistfileName.of(line.substring(0, tab));
      Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, line.substring(tab + 1));
      Optional<BlobRecord> blob = catalog.blob(sha512);
      if (blob.isEmpty()) {
        missing.add(line);
        continue;
      }
      BlobRecord b = blob.get();
      catalog.upsertAll(set, List.of(
          new ExpectedDistfile(name, OptionalLong.of(b.size()), b.digests(), Set.of(), List.of())));
      DistfileRecord record = catalog.distfile(set, name).orElseThrow();
      Variant v = record.variants().stream()
          .filter(x -> ContentIdentity.same(x.size(), x.digests(), OptionalLong.of(b.size()), b.digests()))
          .findFirst().orElseThrow();
      catalog.bindAll(set, List.of(Map.entry(record.ref(v), sha512)));
      bound++;
    }
    String which = set.isDefault() ? "seal: " : "seal of set " + set + ": ";
    Seal rebuilt = sealer.compute(set, now);
    if (rebuilt.digest().equals(seal.digest())) {
      if (published) {
        sealer.sealAndKeep(set, seal.at()); // the listing kept again, for the next recovery and gc
      }
      report.add(which + "all " + bound + " sealed names bound again; digest intact (" + seal.digest() + ")");
      return seal;
    }
    Seal subset = sealer.sealAndKeep(set, now);
    report.add(which + bound + " of " + seal.entries() + " sealed names bound again"
        + (lines.isEmpty() ? " (the listing " + sealer.listing(seal) + " is missing)"
            : missing.isEmpty() ? "" : "; " + missing.size() + " sealed blobs are missing, e.g. "
                + missing.get(0).replace('\t', ' '))
        + "; it stays sealed, now with " + subset.digest() + " (was " + seal.digest() + ")");
    return subset;
  }
}
