package org.distvault.storage.catalog;

import org.distvault.storage.record.StoreStats;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.UpsertSummary;

import org.distvault.storage.record.VariantRef;

import org.distvault.storage.record.Variant;

import org.distvault.storage.record.DistfileRecord;

import org.distvault.storage.distfile.PrefetchOutcome;

import org.distvault.storage.distfile.ExpectedDistfile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Distfile and blob records: reads, and the mutations that keep records, the digest index, the
 * binding index and the maintained {@link StoreStats} consistent. Each mutation is one synced
 * WriteBatch that carries the records, both indexes and the new counters, so a crash leaves all
 * of them before or all after.
 *
 * <p>Thread-safe: mutations are serialised by one lock (they read, modify and write), reads take
 * no lock. Callers hold the catalog's lifecycle guard.
 */
final class Records {
  private static final byte[] STATS_KEY = Codec.utf8("stats");
  private static final byte[] EMPTY = new byte[0];

  private final RocksStore s;
  private final ReentrantLock writes = new ReentrantLock();
  private volatile StoreStats stats;
  /** Bumped after every synced write of distfile or blob records; see {@link #generation}. */
  private final AtomicLong generation = new AtomicLong();

  Records(RocksStore s) throws RocksDBException {
    this.s = s;
    byte[] saved = s.db.get(s.meta, STATS_KEY);
    this.stats = saved == null ? recount() : Codec.read(saved, StoreStats.class, "stats");
  }

  // ---- reads ----

  StoreStats stats() {
    return stats;
  }

  /**
   * How many record writes have completed: bumped after each synced write is visible to readers
   * and before the writing method returns. A reader that takes the generation before reading
   * records and finds it unchanged later knows that no write completed after its snapshot.
   */
  long generation() {
    return generation.get();
  }

  Optional<DistfileRecord> distfile(DistfileName name) throws RocksDBException {
    byte[] key = Codec.distfileKey(name);
    return Optional.ofNullable(s.db.get(s.distfiles, key)).map(v -> Codec.decodeDistfile(key, v));
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

  List<DistfileRecord> listDistfiles(Optional<DistfileName> after, int limit)
      throws RocksDBException {
    return page(s.distfiles, after.map(Codec::distfileKey).orElse(null), limit,
        Codec::decodeDistfile);
  }

  List<BlobRecord> listBlobs(Optional<Digest> after, int limit) throws RocksDBException {
    return page(s.blobs, after.map(Codec::blobKey).orElse(null), limit, Codec::decodeBlob);
  }

  // ---- mutations ----

  UpsertSummary upsert(List<ExpectedDistfile> chunk) throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
      Map<DistfileName, DistfileRecord> before = load(chunk);
      Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
      long created = 0;
      for (ExpectedDistfile e : chunk) {
        DistfileRecord current = after.containsKey(e.name()) ? after.get(e.name()) : before.get(e.name());
        Variants.Upsert u = Variants.upsert(current, e);
        DistfileRecord next = u.record();
        Optional<Digest> bound = u.variant().blob();
        if (u.expectationChanged() && bound.isPresent()) {
          // New expectations must hold for the bound blob too, or the binding is no longer verified.
          Optional<BlobRecord> blob = blob(bound.get());
          if (blob.isEmpty() || Variants.bindingProblem(u.variant(), blob.get()).isPresent()) {
            next = next.with(u.variant().withBlob(Optional.empty()));
          }
        }
        after.put(e.name(), next);
        created += u.created() ? 1 : 0;
      }
      commit(wb, before, after, StoreStats.ZERO);
      return new UpsertSummary(chunk.size(), created, chunk.size() - created);
    } finally {
      writes.unlock();
    }
  }

  void recordOutcomes(Map<VariantRef, PrefetchOutcome> outcomes) throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
      Map<DistfileName, DistfileRecord> before = new HashMap<>();
      Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
      for (Map.Entry<VariantRef, PrefetchOutcome> o : outcomes.entrySet()) {
        DistfileRecord r = after.containsKey(o.getKey().name()) ? after.get(o.getKey().name())
            : loadOne(o.getKey().name(), before);
        after.put(r.name(), r.with(variant(r, o.getKey().variantId()).withOutcome(o.getValue())));
      }
      commit(wb, before, after, StoreStats.ZERO);
    } finally {
      writes.unlock();
    }
  }

  void bind(VariantRef ref, Digest sha512) throws RocksDBException {
    bindAll(List.of(Map.entry(ref, sha512)));
  }

  /** Applies the bindings in order, all in one synced batch; nothing is written if one fails. */
  void bindAll(List<Map.Entry<VariantRef, Digest>> bindings) throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
      Map<DistfileName, DistfileRecord> before = new HashMap<>();
      Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
      for (Map.Entry<VariantRef, Digest> b : bindings) {
        VariantRef ref = b.getKey();
        Digest sha512 = b.getValue();
        DistfileRecord r = after.containsKey(ref.name()) ? after.get(ref.name()) : loadOne(ref.name(), before);
        Variant v = variant(r, ref.variantId());
        BlobRecord blob = blob(sha512).orElseThrow(() -> new IllegalArgumentException(
            "cannot bind " + ref + ": no blob sha512:" + sha512.hex() + " in the catalog"));
        Optional<String> problem = Variants.bindingProblem(v, blob);
        if (problem.isPresent()) {
          throw new IllegalArgumentException(
              "cannot bind " + ref + " to blob sha512:" + sha512.hex() + ": " + problem.get());
        }
        after.put(r.name(), r.with(v.withBlob(Optional.of(sha512))));
      }
      commit(wb, before, after, StoreStats.ZERO);
    } finally {
      writes.unlock();
    }
  }

  BlobRecord putBlob(BlobRecord b) throws RocksDBException {
    return putBlobs(List.of(b)).get(0);
  }

  /**
   * Records blobs in one synced batch, each merged with the stored record (or an earlier one of
   * the batch) as {@link #putBlob} does; nothing is written if one conflicts.
   */
  List<BlobRecord> putBlobs(List<BlobRecord> blobs) throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
      Map<Digest, BlobRecord> batch = new LinkedHashMap<>();
      List<BlobRecord> out = new ArrayList<>(blobs.size());
      StoreStats delta = StoreStats.ZERO;
      for (BlobRecord b : blobs) {
        Optional<BlobRecord> old =
            batch.containsKey(b.sha512()) ? Optional.of(batch.get(b.sha512())) : blob(b.sha512());
        BlobRecord merged = b;
        if (old.isPresent()) {
          BlobRecord o = old.get();
          if (o.size() != b.size()) {
            throw new IllegalArgumentException("blob sha512:" + b.sha512().hex() + " has size "
                + o.size() + " in the catalog, not " + b.size());
          }
          merged = new BlobRecord(o.sha512(), o.size(), o.digests().merge(b.digests()), o.storedAt(),
              b.lastVerifiedAt().isAfter(o.lastVerifiedAt()) ? b.lastVerifiedAt() : o.lastVerifiedAt());
        } else {
          delta = delta.plus(StoreStats.of(merged));
        }
        batch.put(merged.sha512(), merged);
        out.add(merged);
      }
      for (BlobRecord merged : batch.values()) {
        wb.put(s.blobs, Codec.blobKey(merged.sha512()), Codec.encode(merged));
        for (Digest d : merged.digests().asMap().values()) {
          if (d.algorithm() != DigestAlgorithm.SHA512) {
            wb.put(s.digests, Codec.digestKey(d, merged.sha512()), EMPTY);
          }
        }
      }
      commit(wb, Map.of(), Map.of(), delta);
      return out;
    } finally {
      writes.unlock();
    }
  }

  boolean markVerified(Digest sha512, Instant when) throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
      Optional<BlobRecord> old = blob(sha512);
      if (old.isEmpty()) {
        return false;
      }
      BlobRecord o = old.get();
      BlobRecord next = new BlobRecord(o.sha512(), o.size(), o.digests(), o.storedAt(), when);
      wb.put(s.blobs, Codec.blobKey(sha512), Codec.encode(next));
      commit(wb, Map.of(), Map.of(), StoreStats.ZERO);
      return true;
    } finally {
      writes.unlock();
    }
  }

  List<VariantRef> removeBlob(Digest sha512) throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
      Optional<BlobRecord> blob = blob(sha512);
      if (blob.isEmpty()) {
        return List.of();
      }
      Map<DistfileName, DistfileRecord> before = new HashMap<>();
      Map<DistfileName, DistfileRecord> after = new LinkedHashMap<>();
      List<VariantRef> unbound = new ArrayList<>();
      for (byte[] key : keysWithPrefix(s.bindings, Codec.blobKey(sha512))) {
        // Delete the index entry even if the record disagrees: it must not outlive the blob.
        wb.delete(s.bindings, key);
        VariantRef ref = Codec.bindingRef(key);
        DistfileRecord r = after.get(ref.name());
        if (r == null) {
          r = before.containsKey(ref.name()) ? before.get(ref.name()) : distfile(ref.name()).orElse(null);
        }
        Optional<Variant> v = Optional.ofNullable(r).flatMap(x -> x.variant(ref.variantId()))
            .filter(x -> x.blob().equals(Optional.of(sha512)));
        if (v.isPresent()) {
          before.putIfAbsent(r.name(), r);
          after.put(r.name(), r.with(v.get().withBlob(Optional.empty())));
          unbound.add(ref);
        }
      }
      for (Digest d : blob.get().digests().asMap().values()) {
        if (d.algorithm() != DigestAlgorithm.SHA512) {
          wb.delete(s.digests, Codec.digestKey(d, sha512));
        }
      }
      wb.delete(s.blobs, Codec.blobKey(sha512));
      commit(wb, before, after, StoreStats.ZERO.minus(StoreStats.of(blob.get())));
      return unbound;
    } finally {
      writes.unlock();
    }
  }

  /** Recomputes the counters by scanning every record, stores and returns them. */
  StoreStats recount() throws RocksDBException {
    writes.lock();
    try (WriteBatch wb = new WriteBatch()) {
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
      wb.put(s.meta, STATS_KEY, Codec.write(total));
      s.writeSynced(wb);
      stats = total;
      return total;
    } finally {
      writes.unlock();
    }
  }

  // ---- internals ----

  /**
   * Adds the changed distfile records, their binding-index changes and the new counters to the
   * batch, writes it synced, then publishes the counters. {@code before} holds the stored
   * version of every name in {@code after} that existed.
   */
  private void commit(WriteBatch wb, Map<DistfileName, DistfileRecord> before,
      Map<DistfileName, DistfileRecord> after, StoreStats delta) throws RocksDBException {
    for (DistfileRecord next : after.values()) {
      DistfileRecord old = before.get(next.name());
      wb.put(s.distfiles, Codec.distfileKey(next.name()), Codec.encode(next));
      delta = delta.plus(StoreStats.of(next));
      if (old != null) {
        delta = delta.minus(StoreStats.of(old));
        for (Variant was : old.variants()) {
          Optional<Digest> now = next.variant(was.id()).flatMap(Variant::blob);
          if (was.blob().isPresent() && !was.blob().equals(now)) {
            wb.delete(s.bindings, Codec.bindingKey(was.blob().get(), old.ref(was)));
          }
        }
      }
      for (Variant v : next.variants()) {
        Optional<Digest> was = old == null ? Optional.empty() : old.variant(v.id()).flatMap(Variant::blob);
        if (v.blob().isPresent() && !v.blob().equals(was)) {
          wb.put(s.bindings, Codec.bindingKey(v.blob().get(), next.ref(v)), EMPTY);
        }
      }
    }
    StoreStats next = stats.plus(delta);
    wb.put(s.meta, STATS_KEY, Codec.write(next));
    try {
      s.writeSynced(wb);
    } finally {
      // Even a failed write may have reached the memtable: readers' snapshots are stale either way.
      generation.incrementAndGet();
    }
    stats = next;
  }

  /** The stored records of the chunk's distinct names (absent names are missing from the map). */
  private Map<DistfileName, DistfileRecord> load(List<ExpectedDistfile> chunk) throws RocksDBException {
    List<DistfileName> names = chunk.stream().map(ExpectedDistfile::name).distinct().toList();
    List<byte[]> keys = names.stream().map(Codec::distfileKey).toList();
    List<byte[]> values =
        s.db.multiGetAsList(Collections.nCopies(keys.size(), s.distfiles), keys);
    Map<DistfileName, DistfileRecord> out = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (values.get(i) != null) {
        out.put(names.get(i), Codec.decodeDistfile(keys.get(i), values.get(i)));
      }
    }
    return out;
  }

  /** Loads one record into {@code before}, or fails naming the unknown distfile. */
  private DistfileRecord loadOne(DistfileName name, Map<DistfileName, DistfileRecord> before)
      throws RocksDBException {
    DistfileRecord r = before.get(name);
    if (r == null) {
      r = distfile(name).orElseThrow(
          () -> new IllegalArgumentException("no distfile " + name + " in the catalog"));
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
