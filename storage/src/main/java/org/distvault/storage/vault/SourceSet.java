package org.distvault.storage.vault;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.SetSummary;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantRef;

/**
 * One source set of a {@link Vault}: the distfiles one bulk build expects, which blob each is
 * bound to, and the set's own freeze and seal. Blobs are the vault's, shared by every set: a
 * distfile that three sets bind is stored once. A name expected or bound in one set is invisible
 * through another.
 *
 * <p>Obtained from {@link Vault#set}, {@link Vault#createSet} or {@link Vault#defaultSet};
 * thread-safe, and valid as long as the vault is open.
 */
public final class SourceSet {
  private final SetName name;
  /** The set whose records answer: {@code name} itself, or what {@link Vault#serve} points it at. */
  private final SetName stored;
  private final Catalog catalog;
  private final StateKeeper keeper;
  private final LocateCache located;
  private final BlobFiles files;

  SourceSet(SetName name, Catalog catalog, StateKeeper keeper, LocateCache located, BlobFiles files) {
    this(name, name, catalog, keeper, located, files);
  }

  SourceSet(SetName name, SetName stored, Catalog catalog, StateKeeper keeper, LocateCache located,
      BlobFiles files) {
    this.name = Objects.requireNonNull(name, "name");
    this.stored = Objects.requireNonNull(stored, "stored");
    this.files = files;
    this.catalog = catalog;
    this.keeper = keeper;
    this.located = located;
  }

  public SetName name() {
    return name;
  }

  // ---- what the set expects, and what it binds ----

  /**
   * Records what distfiles the set expects (a manifest); see the identity rule of {@link
   * org.distvault.storage.distfile.ContentIdentity}. Written in atomic chunks; replaying is harmless.
   *
   * @throws FrozenException when the set is frozen (sealed)
   */
  public UpsertSummary expect(Iterable<ExpectedDistfile> expected) {
    return catalog.upsertAll(stored, expected);
  }

  /** As {@link #expect(Iterable)}, written in synced chunks of {@code chunkSize} entries. */
  public UpsertSummary expect(Iterable<ExpectedDistfile> expected, int chunkSize) {
    return catalog.upsertAll(stored, expected, chunkSize);
  }

  /** Everything the set expects under {@code name}: all its variants. */
  public Optional<DistfileRecord> distfile(DistfileName distfile) {
    return catalog.distfile(stored, distfile);
  }

  /**
   * The contents of the variants the set expects under each of {@code names} (lowest id first),
   * in the names' order, null where it expects nothing: for presence checks of many names.
   */
  public List<List<VariantContent>> contents(List<DistfileName> names) {
    return catalog.contents(stored, names);
  }

  /** Up to {@code limit} of the set's distfile records in name byte order, after {@code after} if given. */
  public List<DistfileRecord> listDistfiles(Optional<DistfileName> after, int limit) {
    return catalog.listDistfiles(stored, after, limit);
  }

  /**
   * Binds a variant to a held blob that satisfies it (every expected digest and the size).
   *
   * @throws IllegalArgumentException when the variant or blob is unknown or they do not match
   * @throws FrozenException when the set is frozen
   */
  public void bind(VariantRef variant, Digest sha512) {
    bindAll(List.of(Map.entry(variant, sha512)));
  }

  /** Binds several variants in one write; if one binding cannot be made, none is. */
  public void bindAll(List<Map.Entry<VariantRef, Digest>> bindings) {
    catalog.bindAll(stored, bindings);
  }

  /** Records the last prefetch outcome of a variant. */
  public void recordOutcome(VariantRef variant, PrefetchOutcome outcome) {
    recordOutcomes(Map.of(variant, outcome));
  }

  /** Records prefetch outcomes in one write; naming an unknown variant writes nothing. */
  public void recordOutcomes(Map<VariantRef, PrefetchOutcome> outcomes) {
    catalog.recordOutcomes(stored, outcomes);
  }

  // ---- serving ----

  /**
   * Which blob a request for {@code distfile} (from package {@code pkgpath}, when known) means in
   * this set, with its file; empty {@link Vault.Located#file()} when the set knows the name but
   * holds no content.
   *
   * <p>Answers with a blob are cached in memory ({@link LocateCache}) and read again after any
   * write to the catalog's records, so a hit costs no catalog read and a cached answer never
   * outlives an unbind, re-bind or scrub removal. With a remote blob backend the file is its cache
   * tier's, filled from the backend if need be: only the catalog's part of a cached answer is used,
   * and the file is asked for again on every call (the tier may have evicted it meanwhile).
   *
   * @throws org.distvault.storage.blob.BackendUnavailableException when a remote backend cannot
   *     give the bound blob's file now
   */
  public Vault.Located locate(DistfileName distfile, Optional<String> pkgpath) {
    Objects.requireNonNull(distfile, "distfile");
    Objects.requireNonNull(pkgpath, "pkgpath");
    if (files.cached() == BlobFiles.Caching.PER_REQUEST) {
      Optional<Vault.Located> known = located.peek(stored, distfile, pkgpath);
      if (known.isPresent()) {
        return withFile(known.get(), files.where());
      }
    }
    return located.locate(stored, distfile, pkgpath, () -> read(distfile, pkgpath));
  }

  /**
   * The answer {@link #locate} would give, if it is cached and still current; empty when it is
   * not cached (then ask {@link #locate}). Reads no catalog record: for threads that must not
   * block, e.g. an HTTP I/O thread answering a hit.
   */
  public Optional<Vault.Located> locateCached(DistfileName distfile, Optional<String> pkgpath) {
    return locateCached(distfile, pkgpath, Long.MAX_VALUE);
  }

  /**
   * {@link #locateCached(DistfileName, Optional)}, but only for a blob of at most {@code maxBytes}:
   * a caller that hands larger blobs on to {@link #locate} anyway (an I/O thread) does not make a
   * remote backend's cache tier count a look it did not use.
   */
  public Optional<Vault.Located> locateCached(DistfileName distfile, Optional<String> pkgpath, long maxBytes) {
    Objects.requireNonNull(distfile, "distfile");
    Objects.requireNonNull(pkgpath, "pkgpath");
    Optional<Vault.Located> known = located.peek(stored, distfile, pkgpath)
        .filter(k -> k.blob().isPresent() && k.blob().get().size() <= maxBytes);
    if (files.cached() == BlobFiles.Caching.PER_REQUEST) {
      // Only a file the tier holds now: filling it may block, so that is left to locate().
      return known.map(k -> withFile(k, files.local())).filter(k -> k.file().isPresent());
    }
    return known;
  }

  /** A cached answer with its blob's file asked for again (a cache tier's file may be gone). */
  private static Vault.Located withFile(Vault.Located known, Function<Digest, Optional<Path>> file) {
    return new Vault.Located(known.resolution(), known.blob(), known.blob().flatMap(b -> file.apply(b.sha512())));
  }

  /**
   * Whether this set surely has no record of {@code distfile}, known from memory without reading
   * from disk: then {@link #locate} would answer the name unknown, whatever the PKGPATH. False
   * when it may have one (then ask {@link #locate}). For threads that must not block.
   */
  public boolean surelyUnknown(DistfileName distfile) {
    return catalog.surelyUnknown(stored, Objects.requireNonNull(distfile, "distfile"));
  }

  private Vault.Located read(DistfileName distfile, Optional<String> pkgpath) {
    Resolution r = catalog.resolve(stored, distfile, pkgpath);
    Optional<BlobRecord> blob = r.blob().flatMap(catalog::blob);
    return new Vault.Located(r, blob, blob.flatMap(b -> files.where().apply(b.sha512())));
  }

  // ---- the freeze and the seal ----

  /**
   * Freezes what the set expects and binds: its expect, bind and outcome writes throw {@link
   * FrozenException} with {@code reason} until {@link #thaw}. When this returns none of them is
   * still running. In memory only: whoever froze the set freezes it again after a restart.
   */
  public void freeze(String reason) {
    catalog.freeze(stored, reason);
  }

  /** Ends a {@link #freeze}. */
  public void thaw() {
    catalog.thaw(stored);
  }

  /** Why the set is frozen, if it is. */
  public Optional<String> frozen() {
    return catalog.frozen(stored);
  }

  /**
   * Runs {@code writes} as one with respect to a {@link #freeze}: all run before it takes effect,
   * or none does and this throws {@link FrozenException} naming {@code what}.
   */
  public <E extends Exception> void unlessFrozen(String what, Vault.Writes<E> writes) throws E {
    catalog.unlessFrozen(stored, what, writes::run);
  }

  /**
   * Seals the set: computes the {@link Seal} of what it binds now, keeps its listing ({@code
   * DATA/seals/}), and records it in {@code DATA/store.state} and then in the catalog. {@link
   * #freeze} the set first, so that nothing is bound behind the seal.
   */
  public Seal seal(Instant at) throws IOException {
    return keeper.seal(stored, at);
  }

  /** Records that the set is no longer sealed (in {@code DATA/store.state} first). */
  public void unseal() throws IOException {
    keeper.unseal(stored);
  }

  /** The seal in force, if the set is sealed; it survives the loss of the catalog. */
  public Optional<Seal> sealed() {
    return keeper.sealed(stored);
  }

  /** What the set expects and holds, counted by reading all its records, and its seal. */
  public SetSummary summary() {
    long entries = 0;
    long present = 0;
    long failed = 0;
    long bytes = 0;
    Optional<DistfileName> after = Optional.empty();
    for (List<DistfileRecord> page = listDistfiles(after, Vault.MAX_PAGE); !page.isEmpty();
        page = listDistfiles(after, Vault.MAX_PAGE)) {
      for (DistfileRecord r : page) {
        for (Variant v : r.variants()) {
          entries++;
          switch (v.state()) {
            case PRESENT -> {
              present++;
              bytes += v.blob().flatMap(catalog::blob).map(BlobRecord::size).orElse(0L);
            }
            case FAILED -> failed++;
            case MISSING -> { }
          }
        }
      }
      after = Optional.of(page.get(page.size() - 1).name());
    }
    return new SetSummary(name, keeper.sets().created().getOrDefault(stored, Instant.EPOCH), entries, present,
        failed, entries - present - failed, bytes, sealed());
  }

  @Override
  public String toString() {
    return "set " + name;
  }
}
