package org.distvault.storage.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.record.VariantRef;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Distfile and blob records: reads, and the mutations that keep records, the digest index, the
 * binding index and the maintained {@link StoreStats} consistent. Each mutation adds the records,
 * both indexes and the new counters to the group's {@link Batch}, which is written synced as one,
 * so a crash leaves all of them before or all after.
 *
 * <p>Mutations run only on the {@link GroupCommitter}'s thread, one after the other, and read
 * through the batch; reads take no lock. Callers hold the catalog's lifecycle guard.
 */
final class Records {
  private static final byte[] STATS_KEY = Codec.utf8("stats");
  private static final byte[] EMPTY = new byte[0];

  private final RocksStore s;
  /** The counters as last made durable; written by the leader of a group. */
  private volatile StoreStats stats;

  /** Reads the stored counters; a catalog without them (a new one) is counted and they are stored. */
  Records(RocksStore s) throws RocksDBException {
    this.s = s;
    byte[] saved = s.db.get(s.meta, STATS_KEY);
    if (saved == null) {
      StoreStats total = scan();
      try (WriteBatch wb = new WriteBatch()) {
        wb.put(s.meta, STATS_KEY, Codec.write(total));
        s.writeSynced(wb);
      }
      this.stats = total;
    } else {
      this.stats = Codec.read(saved, StoreStats.class, "stats");
    }
  }

  // ---- reads ----

  StoreStats stats() {
    return stats;
  }

  Optional<DistfileRecord> distfile(SetName set, DistfileName name) throws RocksDBException {
    byte[] key = Codec.distfileKey(set, name);
    return Optional.ofNullable(s.db.get(s.distfiles, key)).map(v -> Codec.decodeDistfile(key, v));
  }

  /**
   * The set's records of {@code names}, in their order, null where a name has none: one
   * multi-get instead of a read per name.
   */
  List<DistfileRecord> distfiles(SetName set, List<DistfileName> names) throws RocksDBException {
    return multiGet(s.distfiles, distfileKeys(set, names), Codec::decodeDistfile);
  }

  /**
   * What the set expects under each of {@code names}: its variants' contents ({@link
   * Codec#decodeContents}), in the names' order, null where a name has no record.
   */
  List<List<VariantContent>> contents(SetName set, List<DistfileName> names) throws RocksDBException {
    return multiGet(s.distfiles, distfileKeys(set, names), Codec::decodeContents);
  }

  /** The records of the blobs of these SHA-512s, in their order, null where none is recorded. */
  List<BlobRecord> blobs(List<Digest> sha512s) throws RocksDBException {
    List<byte[]> keys = new ArrayList<>(sha512s.size());
    for (Digest d : sha512s) {
      keys.add(Codec.blobKey(d));
    }
    return multiGet(s.blobs, keys, Codec::decodeBlob);
  }

  private static List<byte[]> distfileKeys(SetName set, List<DistfileName> names) {
    List<byte[]> keys = new ArrayList<>(names.size());
    for (DistfileName name : names) {
      keys.add(Codec.distfileKey(set, name));
    }
    return keys;
  }

  /**
   * The values of {@code keys} of one column family decoded (key, value), in order, null where
   * absent: one multi-get.
   */
  private <T> List<T> multiGet(ColumnFamilyHandle cf, List<byte[]> keys, BiFunction<byte[], byte[], T> decode)
      throws RocksDBException {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<byte[]> values = s.db.multiGetAsList(Collections.nCopies(keys.size(), cf), keys);
    List<T> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      byte[] v = values.get(i);
      out.add(v == null ? null : decode.apply(keys.get(i), v));
    }
    return out;
  }

  /**
   * Whether {@code set} may have a record of {@code name}: false only when it surely has none,
   * known from memory (memtables and the tables' bloom filters), without reading from disk.
   */
  boolean mayHaveDistfile(SetName set, DistfileName name) {
    return s.db.keyMayExist(s.distfiles, Codec.distfileKey(set, name), null);
  }

  Optional<BlobRecord> blob(Digest sha512) throws RocksDBException {
    byte[] key = Codec.blobKey(sha512);
    return Optional.ofNullable(s.db.get(s.blobs, key)).map(v -> Codec.decodeBlob(key, v));
  }

  List<BlobRecord> blobsByDigest(Digest d) throws RocksDBException {
    if (d.algorithm() == DigestAlgorithm.SHA512) {
      return blob(d).stream().toList();
    }
    List<BlobRecord> out = new ArrayList<>();
    for (byte[] key : keysWithPrefix(s.digests, Codec.digestPrefix(d))) {
      blob(Codec.digestKeyBlob(key)).ifPresent(out::add);
    }
    return out;
  }

  /** Whether any variant is bound to the blob (the binding index has an entry for it). */
  boolean isBound(Digest sha512) throws RocksDBException {
    byte[] prefix = Codec.blobKey(sha512);
    try (RocksIterator it = s.db.newIterator(s.bindings)) {
      it.seek(prefix);
      boolean bound = it.isValid() && Codec.startsWith(it.key(), prefix);
      it.status();
      return bound;
    }
  }

  /** A page of the set's records in name byte order: its keys are the ones with its prefix. */
  List<DistfileRecord> listDistfiles(SetName set, Optional<DistfileName> after, int limit)
      throws RocksDBException {
    byte[] prefix = Codec.setPrefix(set);
    List<DistfileRecord> out = new ArrayList<>();
    try (RocksIterator it = s.db.newIterator(s.distfiles)) {
      if (after.isPresent()) {
        byte[] from = Codec.distfileKey(set, after.get());
        it.seek(from);
        if (it.isValid() && Arrays.equals(it.key(), from)) {
          it.next();
        }
      } else {
        it.seek(set.isDefault() ? Codec.DEFAULT_SET_START : prefix);
      }
      for (; it.isValid() && out.size() < limit && Codec.startsWith(it.key(), prefix); it.next()) {
        out.add(Codec.decodeDistfile(it.key(), it.value()));
      }
      it.status();
    }
    return out;
  }

  List<BlobRecord> listBlobs(Optional<Digest> after, int limit) throws RocksDBException {
    return page(s.blobs, after.map(Codec::blobKey).orElse(null), limit, Codec::decodeBlob);
  }

  // ---- mutations: each runs in a group commit (one group at a time), into the group's batch ----

  UpsertSummary upsert(Batch b, SetName set, List<ExpectedDistfile> chunk) throws RocksDBException {
    Map<DistfileName, DistfileRecord> before = load(b, set, chunk);
    Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
    // Names new to the set, seen once so far in the chunk: their records are written straight from
    // the expectation (Codec.NewRecords), never built. A first manifest is all such names, and
    // building each record (its variant's checks and copies) was most of this loop's work.
    Map<DistfileName, ExpectedDistfile> fresh = new LinkedHashMap<>();
    long created = 0;
    for (ExpectedDistfile e : chunk) {
      DistfileRecord current = after.get(e.name());
      if (current == null) {
        current = before.get(e.name());
      }
      if (current == null) {
        ExpectedDistfile first = fresh.putIfAbsent(e.name(), e);
        if (first == null) {
          created++;
          continue;
        }
        fresh.remove(e.name());
        current = Variants.upsert(null, first).record();
      }
      Variants.Upsert u = Variants.upsert(current, e);
      DistfileRecord next = u.record();
      Optional<Digest> bound = u.variant().blob();
      if (u.expectationChanged() && bound.isPresent()) {
        // New expectations must hold for the bound blob too, or the binding is no longer verified.
        Optional<BlobRecord> blob = blob(b, bound.get());
        if (blob.isEmpty() || Variants.bindingProblem(u.variant(), blob.get()).isPresent()) {
          next = next.with(u.variant().withBlob(Optional.empty()));
        }
      }
      after.put(e.name(), next);
      created += u.created() ? 1 : 0;
    }
    Codec.NewRecords values = new Codec.NewRecords();
    for (ExpectedDistfile e : fresh.values()) {
      b.put(s.distfiles, Codec.distfileKey(set, e.name()), values.encode(e));
    }
    write(b, set, before, after, freshStats(fresh.size()));
    return new UpsertSummary(chunk.size(), created, chunk.size() - created);
  }

  /** What {@code n} new names add to the counters: each one variant, missing (unbound, never fetched). */
  private static StoreStats freshStats(long n) {
    return new StoreStats(n, n, 0, n, 0, 0, 0);
  }

  Void recordOutcomes(Batch b, SetName set, Map<VariantRef, PrefetchOutcome> outcomes)
      throws RocksDBException {
    Map<DistfileName, DistfileRecord> before = new HashMap<>();
    Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
    for (Map.Entry<VariantRef, PrefetchOutcome> o : outcomes.entrySet()) {
      DistfileRecord r = after.containsKey(o.getKey().name()) ? after.get(o.getKey().name())
          : loadOne(b, set, o.getKey().name(), before);
      after.put(r.name(), r.with(variant(r, o.getKey().variantId()).withOutcome(o.getValue())));
    }
    write(b, set, before, after, StoreStats.ZERO);
    return null;
  }

  /** Applies the bindings in order; if one fails, the caller's batch is rolled back. */
  Void bindAll(Batch b, SetName set, List<Map.Entry<VariantRef, Digest>> bindings)
      throws RocksDBException {
    Map<DistfileName, DistfileRecord> before = new HashMap<>();
    Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
    for (Map.Entry<VariantRef, Digest> binding : bindings) {
      VariantRef ref = binding.getKey();
      Digest sha512 = binding.getValue();
      DistfileRecord r = after.containsKey(ref.name()) ? after.get(ref.name()) : loadOne(b, set, ref.name(), before);
      Variant v = variant(r, ref.variantId());
      BlobRecord blob = blob(b, sha512).orElseThrow(() -> new IllegalArgumentException(
          "cannot bind " + ref + ": no blob sha512:" + sha512.hex() + " in the catalog"));
      Optional<String> problem = Variants.bindingProblem(v, blob);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(
            "cannot bind " + ref + " to blob sha512:" + sha512.hex() + ": " + problem.get());
      }
      after.put(r.name(), r.with(v.withBlob(Optional.of(sha512))));
    }
    write(b, set, before, after, StoreStats.ZERO);
    return null;
  }

  /**
   * Records blobs, each merged with the stored record (or an earlier one of the batch): new
   * digests are added, the first storage time and the latest verification time kept.
   *
   * @throws IllegalArgumentException naming the first blob whose size conflicts with its record
   */
  List<BlobRecord> putBlobs(Batch b, List<BlobRecord> blobs) throws RocksDBException {
    List<BlobRecord> out = new ArrayList<>(blobs.size());
    StoreStats delta = StoreStats.ZERO;
    for (BlobRecord blob : blobs) {
      Optional<BlobRecord> old = blob(b, blob.sha512());
      out.add(putMerged(b, blob, old));
      if (old.isEmpty()) {
        delta = delta.plus(StoreStats.of(blob));
      }
    }
    write(b, SetName.DEFAULT, Map.of(), Map.of(), delta);
    return out;
  }

  /**
   * Records one blob as {@link #putBlobs} does, but when the stored record (or an earlier one of
   * the batch) already has its size and every digest of it, writes nothing and returns that
   * record: an upload's only read of its blob record.
   */
  BlobRecord recordBlob(Batch b, BlobRecord blob) throws RocksDBException {
    Optional<BlobRecord> old = blob(b, blob.sha512());
    if (old.isPresent() && old.get().size() == blob.size()
        && old.get().digests().algorithms().containsAll(blob.digests().algorithms())) {
      return old.get();
    }
    BlobRecord merged = putMerged(b, blob, old);
    write(b, SetName.DEFAULT, Map.of(), Map.of(), old.isEmpty() ? StoreStats.of(merged) : StoreStats.ZERO);
    return merged;
  }

  /** Puts {@code blob} merged with {@code old} (its record as read through the batch) and its digest-index keys. */
  private BlobRecord putMerged(Batch b, BlobRecord blob, Optional<BlobRecord> old) throws RocksDBException {
    BlobRecord merged = blob;
    if (old.isPresent()) {
      BlobRecord o = old.get();
      if (o.size() != blob.size()) {
        throw new IllegalArgumentException("blob sha512:" + blob.sha512().hex() + " has size "
            + o.size() + " in the catalog, not " + blob.size());
      }
      merged = new BlobRecord(o.sha512(), o.size(), o.digests().merge(blob.digests()), o.storedAt(),
          blob.lastVerifiedAt().isAfter(o.lastVerifiedAt()) ? blob.lastVerifiedAt() : o.lastVerifiedAt());
    }
    b.put(s.blobs, Codec.blobKey(merged.sha512()), Codec.encode(merged));
    for (Digest d : merged.digests().asMap().values()) {
      if (d.algorithm() != DigestAlgorithm.SHA512) {
        b.put(s.digests, Codec.digestKey(d, merged.sha512()), EMPTY);
      }
    }
    return merged;
  }

  /**
   * Whether a record of the blob may exist: false only when there surely is none, known from
   * memory (memtables and the tables' bloom filters), without reading from disk.
   */
  boolean mayHaveBlob(Digest sha512) {
    return s.db.keyMayExist(s.blobs, Codec.blobKey(sha512), null);
  }

  boolean markVerified(Batch b, Digest sha512, Instant when) throws RocksDBException {
    Optional<BlobRecord> old = blob(b, sha512);
    if (old.isEmpty()) {
      return false;
    }
    BlobRecord o = old.get();
    BlobRecord next = new BlobRecord(o.sha512(), o.size(), o.digests(), o.storedAt(), when);
    b.put(s.blobs, Codec.blobKey(sha512), Codec.encode(next));
    write(b, SetName.DEFAULT, Map.of(), Map.of(), StoreStats.ZERO);
    return true;
  }

  /**
   * Drops a blob and unbinds its variants in every set, except in the sets {@code keepBindings}
   * names: their variants stay bound to the missing blob (a sealed set's bindings are what its seal
   * describes: a request for one of them is then a miss saying the blob is missing). Scans the
   * binding index, so it runs alone.
   */
  List<VariantRef> removeBlob(Batch b, Digest sha512, Predicate<SetName> keepBindings)
      throws RocksDBException {
    Optional<BlobRecord> blob = blob(b, sha512);
    if (blob.isEmpty()) {
      return List.of();
    }
    b.requireAlone();
    Map<SetName, Map<DistfileName, DistfileRecord>> before = new HashMap<>();
    Map<SetName, Map<DistfileName, DistfileRecord>> after = new HashMap<>();
    List<VariantRef> unbound = new ArrayList<>();
    for (byte[] key : keysWithPrefix(s.bindings, Codec.blobKey(sha512))) {
      Codec.SetVariant bound = Codec.bindingRef(key);
      SetName set = bound.set();
      if (keepBindings.test(set)) {
        continue;
      }
      // Delete the index entry even if the record disagrees: it must not outlive the blob.
      b.delete(s.bindings, key);
      VariantRef ref = bound.ref();
      Map<DistfileName, DistfileRecord> was = before.computeIfAbsent(set, x -> new HashMap<>());
      Map<DistfileName, DistfileRecord> now = after.computeIfAbsent(set, x -> new LinkedHashMap<>());
      DistfileRecord r = now.get(ref.name());
      if (r == null) {
        r = was.containsKey(ref.name()) ? was.get(ref.name()) : distfile(b, set, ref.name()).orElse(null);
      }
      Optional<Variant> v = Optional.ofNullable(r).flatMap(x -> x.variant(ref.variantId()))
          .filter(x -> x.blob().equals(Optional.of(sha512)));
      if (v.isPresent()) {
        was.putIfAbsent(r.name(), r);
        now.put(r.name(), r.with(v.get().withBlob(Optional.empty())));
        unbound.add(ref);
      }
    }
    for (Digest d : blob.get().digests().asMap().values()) {
      if (d.algorithm() != DigestAlgorithm.SHA512) {
        b.delete(s.digests, Codec.digestKey(d, sha512));
      }
    }
    b.delete(s.blobs, Codec.blobKey(sha512));
    StoreStats delta = StoreStats.ZERO.minus(StoreStats.of(blob.get()));
    for (Map.Entry<SetName, Map<DistfileName, DistfileRecord>> set : after.entrySet()) {
      write(b, set.getKey(), before.get(set.getKey()), set.getValue(), delta);
      delta = StoreStats.ZERO;
    }
    if (after.isEmpty()) {
      write(b, SetName.DEFAULT, Map.of(), Map.of(), delta);
    }
    return unbound;
  }

  /**
   * Drops a blob that nothing binds (garbage collection): false, writing nothing, when the blob is
   * unknown or a variant of any set is bound to it now. Runs alone, so no bind is in the same batch.
   */
  Boolean collectBlob(Batch b, Digest sha512) throws RocksDBException {
    b.requireAlone();
    if (blob(b, sha512).isEmpty() || isBound(sha512)) {
      return false;
    }
    removeBlob(b, sha512, set -> false);
    return true;
  }

  /**
   * Deletes every record of a set and its binding-index entries (never a blob). Runs alone.
   *
   * @return the number of distfile records deleted
   */
  Long deleteSet(Batch b, SetName set) throws RocksDBException {
    b.requireAlone();
    long deleted = 0;
    StoreStats delta = StoreStats.ZERO;
    for (Optional<DistfileName> after = Optional.empty(); ; ) {
      List<DistfileRecord> page = listDistfiles(set, after, Catalog.MAX_PAGE);
      for (DistfileRecord r : page) {
        for (Variant v : r.variants()) {
          if (v.blob().isPresent()) {
            b.delete(s.bindings, Codec.bindingKey(v.blob().get(), set, r.ref(v)));
          }
        }
        b.delete(s.distfiles, Codec.distfileKey(set, r.name()));
        delta = delta.minus(StoreStats.of(r));
        deleted++;
      }
      if (page.size() < Catalog.MAX_PAGE) {
        break;
      }
      after = Optional.of(page.get(page.size() - 1).name());
    }
    write(b, set, Map.of(), Map.of(), delta);
    return deleted;
  }

  /** Recomputes the counters by scanning every stored record; runs alone (it reads the database). */
  StoreStats recount(Batch b) throws RocksDBException {
    StoreStats total = scan();
    b.put(s.meta, STATS_KEY, Codec.write(total));
    b.stats(total);
    b.afterCommit(() -> stats = total);
    return total;
  }

  private StoreStats scan() throws RocksDBException {
    StoreStats total = StoreStats.ZERO;
    try (RocksIterator it = s.db.newIterator(s.distfiles)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        total = total.plus(StoreStats.of(Codec.decodeDistfile(it.key(), it.value())));
      }
      it.status();
    }
    try (RocksIterator it = s.db.newIterator(s.blobs)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        total = total.plus(StoreStats.of(Codec.decodeBlob(it.key(), it.value())));
      }
      it.status();
    }
    return total;
  }

  // ---- internals ----

  /**
   * Adds the changed distfile records, their binding-index changes and the new counters to the
   * batch; the counters are published once the batch is durable. {@code before} holds the stored
   * version of every name in {@code after} that existed.
   */
  private void write(Batch b, SetName set, Map<DistfileName, DistfileRecord> before,
      Map<DistfileName, DistfileRecord> after, StoreStats delta) throws RocksDBException {
    for (DistfileRecord next : after.values()) {
      DistfileRecord old = before.get(next.name());
      b.put(s.distfiles, Codec.distfileKey(set, next.name()), Codec.encode(next));
      delta = delta.plus(StoreStats.of(next));
      if (old != null) {
        delta = delta.minus(StoreStats.of(old));
        for (Variant was : old.variants()) {
          Optional<Digest> now = next.variant(was.id()).flatMap(Variant::blob);
          if (was.blob().isPresent() && !was.blob().equals(now)) {
            b.delete(s.bindings, Codec.bindingKey(was.blob().get(), set, old.ref(was)));
          }
        }
      }
      for (Variant v : next.variants()) {
        Optional<Digest> was = old == null ? Optional.empty() : old.variant(v.id()).flatMap(Variant::blob);
        if (v.blob().isPresent() && !v.blob().equals(was)) {
          b.put(s.bindings, Codec.bindingKey(v.blob().get(), set, next.ref(v)), EMPTY);
        }
      }
    }
    // The counters as this batch leaves them: the batch's own (the writes before this one in the
    // group count, and a write rolled back takes its change with it), else the durable ones.
    StoreStats next = storedStats(b).plus(delta);
    b.put(s.meta, STATS_KEY, Codec.write(next));
    b.stats(next);
    b.changesRecords();
    b.afterCommit(() -> stats = next);
  }

  /**
   * The counters as stored with the batch's writes applied, kept by the batch rather than decoded
   * again for every write. Before its first write they are the durable ones: a group starts after
   * the last one's callbacks published them, and a failed group stored nothing.
   */
  private StoreStats storedStats(Batch b) {
    StoreStats inBatch = b.stats();
    return inBatch != null ? inBatch : stats;
  }

  private Optional<BlobRecord> blob(Batch b, Digest sha512) throws RocksDBException {
    byte[] key = Codec.blobKey(sha512);
    return Optional.ofNullable(b.get(s.blobs, key)).map(v -> Codec.decodeBlob(key, v));
  }

  private Optional<DistfileRecord> distfile(Batch b, SetName set, DistfileName name)
      throws RocksDBException {
    byte[] key = Codec.distfileKey(set, name);
    return Optional.ofNullable(b.get(s.distfiles, key)).map(v -> Codec.decodeDistfile(key, v));
  }

  /**
   * The records of the chunk's distinct names (absent names are missing from the map). When the
   * batch holds no write yet (a manifest's chunk is mostly the first or only write of its group),
   * one multi-get of the database reads them all; otherwise each is read through the batch.
   */
  private Map<DistfileName, DistfileRecord> load(Batch b, SetName set, List<ExpectedDistfile> chunk)
      throws RocksDBException {
    Map<DistfileName, DistfileRecord> out = new HashMap<>(chunk.size() * 4 / 3 + 1);
    if (b.isEmpty()) {
      List<DistfileName> names = new ArrayList<>(chunk.size());
      for (ExpectedDistfile e : chunk) {
        names.add(e.name());
      }
      List<DistfileRecord> found = distfiles(set, names);
      for (DistfileRecord r : found) {
        if (r != null) {
          out.put(r.name(), r);
        }
      }
      return out;
    }
    for (ExpectedDistfile e : chunk) {
      if (!out.containsKey(e.name())) {
        distfile(b, set, e.name()).ifPresent(r -> out.put(e.name(), r));
      }
    }
    return out;
  }

  /** Loads one record into {@code before}, or fails naming the unknown distfile. */
  private DistfileRecord loadOne(Batch b, SetName set, DistfileName name,
      Map<DistfileName, DistfileRecord> before) throws RocksDBException {
    DistfileRecord r = before.get(name);
    if (r == null) {
      r = distfile(b, set, name).orElseThrow(() -> new IllegalArgumentException("no distfile " + name
          + (set.isDefault() ? "" : " in set " + set) + " in the catalog"));
      before.put(name, r);
    }
    return r;
  }

  private static Variant variant(DistfileRecord r, int id) {
    return r.variant(id).orElseThrow(
        () -> new IllegalArgumentException("distfile " + r.name() + " has no variant " + id));
  }

  private List<byte[]> keysWithPrefix(ColumnFamilyHandle cf, byte[] prefix) throws RocksDBException {
    List<byte[]> out = new ArrayList<>();
    try (RocksIterator it = s.db.newIterator(cf)) {
      for (it.seek(prefix); it.isValid() && Codec.startsWith(it.key(), prefix); it.next()) {
        out.add(it.key());
      }
      it.status();
    }
    return out;
  }

  private <T> List<T> page(ColumnFamilyHandle cf, byte[] after, int limit,
      BiFunction<byte[], byte[], T> decode) throws RocksDBException {
    List<T> out = new ArrayList<>();
    try (RocksIterator it = s.db.newIterator(cf)) {
      if (after == null) {
        it.seekToFirst();
      } else {
        it.seek(after);
        if (it.isValid() && Arrays.equals(it.key(), after)) {
          it.next();
        }
      }
      for (; it.isValid() && out.size() < limit; it.next()) {
        out.add(decode.apply(it.key(), it.value()));
      }
      it.status();
    }
    return out;
  }
}
