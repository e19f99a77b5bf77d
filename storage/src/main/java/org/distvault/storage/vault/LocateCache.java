package org.distvault.storage.vault;

import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;

/**
 * A bounded in-memory cache of {@link Vault#locate} answers that lead to a stored blob, so that
 * serving a hit does not read and decode catalog records.
 *
 * <p>Correctness rests on the catalog's {@link org.distvault.storage.catalog.Catalog#generation
 * generation}, which every record write (bind, unbind, upsert, outcome, blob put or removal by
 * a scrub) bumps before it returns. An entry carries the generation read <em>before</em> its
 * answer was read from the catalog and is used only while that generation is still the current
 * one: any write since then makes every entry stale at once, and the next lookup reads the
 * catalog again. So an answer is never older than the last completed write, and a blob that was
 * unbound, re-bound or dropped is never served from the cache. Writes are rare while serving
 * (a sealed server takes none); a prefetch that binds many names only makes the cache refill.
 *
 * <p>Only answers with a blob are kept: misses are driven by clients (every unknown name is a new
 * key) and must not push out the hits. At {@link #MAX_ENTRIES} a quarter of the entries, in no
 * particular order, are dropped. Thread-safe.
 */
final class LocateCache {
  /** Most answers kept: a whole pbulk run's distfiles, a few hundred bytes each. */
  static final int MAX_ENTRIES = 100_000;

  /**
   * A cache key: the set, the name and the PKGPATH of the request, if any. Written out rather than
   * a record: every hit builds one from fresh strings, and its hash is taken once, here, by plain
   * calls (a record's generated {@code hashCode} and {@code equals} went through method handles
   * on the serving threads' profile).
   */
  private static final class Key {
    private final SetName set;
    private final DistfileName name;
    private final Optional<String> pkgpath;
    private final int hash;

    Key(SetName set, DistfileName name, Optional<String> pkgpath) {
      this.set = set;
      this.name = name;
      this.pkgpath = pkgpath;
      this.hash = (31 * set.value().hashCode() + name.value().hashCode()) * 31 + (pkgpath.isPresent() ? pkgpath.get().hashCode() : 0);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && k.name.equals(name) && k.pkgpath.equals(pkgpath)
          && k.set.value().equals(set.value());
    }
  }

  private record Entry(long generation, Vault.Located located) {}

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier generation;
  private final int maxEntries;

  /**
   * @param generation the catalog's current generation
   * @param maxEntries how many answers to keep at most
   */
  LocateCache(LongSupplier generation, int maxEntries) {
    this.generation = Objects.requireNonNull(generation, "generation");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("cache size must be positive, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /** The answer for {@code name} and {@code pkgpath}: cached if still current, else from {@code read}. */
  Vault.Located locate(SetName set, DistfileName name, Optional<String> pkgpath,
      Supplier<Vault.Located> read) {
    long now = generation.getAsLong();
    Key key = new Key(set, name, pkgpath);
    Entry cached = entries.get(key);
    if (cached != null && cached.generation() == now) {
      return cached.located();
    }
    Vault.Located fresh = read.get();
    if (fresh.file().isPresent()) {
      if (entries.size() >= maxEntries) {
        evict();
      }
      // Stamped with the generation read before the catalog was: a write that completed while
      // reading has bumped it, so this entry is then stale from the start.
      entries.put(key, new Entry(now, fresh));
    } else if (cached != null) {
      entries.remove(key, cached);
    }
    return fresh;
  }

  /**
   * The cached answer for {@code name} and {@code pkgpath} if it is still current; never reads
   * the catalog's records, so it is fit for a thread that must not block.
   */
  Optional<Vault.Located> peek(SetName set, DistfileName name, Optional<String> pkgpath) {
    Entry cached = entries.get(new Key(set, name, pkgpath));
    if (cached == null || cached.generation() != generation.getAsLong()) {
      return Optional.empty();
    }
    return Optional.of(cached.located());
  }

  /** Entries held (current or stale). */
  int size() {
    return entries.size();
  }

  /** Drops a quarter of the entries (at least one). */
  private void evict() {
    int drop = Math.max(1, maxEntries / 4);
    Iterator<Key> it = entries.keySet().iterator();
    for (int i = 0; i < drop && it.hasNext(); i++) {
      it.next();
      it.remove();
    }
  }
}
