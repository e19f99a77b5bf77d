package org.distvault.storage.vault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.distvault.storage.blob.BackendUnavailableException;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.BlobStore;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.blob.StoreRecovery;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.catalog.CatalogException;
import org.distvault.storage.catalog.CatalogLockedException;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.LogListener;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.record.VariantRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one storage interface of distvault: a data directory with its blob bytes (a {@link
 * BlobBackend}: the files under {@code DATA/blobs/}) and its catalog (RocksDB under {@code
 * DATA/index/}, an implementation detail), kept in agreement. The server and the prefetch tool use
 * nothing else: locate, ingest-and-record, expect, bind and record outcomes, logs (violations,
 * audit), state (mode, seal) and its freeze, scrub and stats.
 *
 * <p>Ingest writes the verified blob first (fsync, atomic rename, fsync of the directory) and
 * the catalog record after it. A crash between the two leaves a whole blob without a record;
 * {@link #open} finds it ({@link Reconciler}), re-hashes it and records it. A record whose file
 * is gone is dropped and the names bound to it are unbound. So after every start the catalog
 * and the files agree, and {@code DATA/tmp/} is empty.
 *
 * <p>Thread-safe. Who opens it closes it: {@link #close} closes the catalog (which waits for
 * calls in flight and refuses later ones) and then releases the blob store.
 */
public final class Vault implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Vault.class);

  private final Path dataDir;
  private final BlobBackend blobs;
  private final BlobFiles files;
  private final Catalog catalog;
  private final Clock clock;
  private final RecoveryReport recovery;
  private final StateKeeper keeper;
  private final LocateCache located;
  private final SourceSet defaultSet;
  /** Set while a {@link #backup} runs: one at a time. */
  private final AtomicBoolean backingUp = new AtomicBoolean();
  private final Touches touches = new Touches();
  /** The set each name {@link #serve}d under another answers with (a replica's current generation). */
  private final ConcurrentHashMap<SetName, SetName> servedAs = new ConcurrentHashMap<>();
  /** What maintenance (a garbage collection or a scrub) runs, if any: one at a time. */
  private final AtomicReference<String> maintenance = new AtomicReference<>();

  private Vault(Path dataDir, BlobBackend blobs, Catalog catalog, Clock clock, StateKeeper keeper,
      RecoveryReport recovery) {
    this.dataDir = dataDir;
    this.blobs = blobs;
    this.files = blobs instanceof BlobStore local ? BlobFiles.local(local.layout()) : BlobFiles.remote(blobs);
    this.catalog = catalog;
    this.clock = clock;
    this.keeper = keeper;
    this.recovery = recovery;
    this.located = new LocateCache(catalog::generation, LocateCache.MAX_ENTRIES);
    this.defaultSet = sourceSet(SetName.DEFAULT);
    blobs.onPublished(touches::touch);
  }

  /** How {@link #open} treats the catalog it finds. */
  public enum Start {
    /**
     * Refuse a catalog that is missing while the store existed, is another store's, or was rolled
     * back ({@link StoreDamagedException}).
     */
    CHECK,
    /**
     * Move the catalog aside and rebuild one from the blob files, the violations log and the seal's
     * listing; the store comes up sealed if it was.
     */
    RECOVER
  }

  /** Opens (creating if needed) the data directory with default options and the UTC clock. */
  public static Vault open(Path dataDir) throws IOException {
    return open(dataDir, BlobStoreOptions.defaults());
  }

  /**
   * Opens (creating if needed) the data directory: locks it, empties {@code DATA/tmp/}, opens
   * the catalog and reconciles it with the blob files.
   *
   * @throws IOException when the directory is in use by another process or unreadable
   */
  public static Vault open(Path dataDir, BlobStoreOptions options) throws IOException {
    return open(dataDir, options, Start.CHECK);
  }

  /**
   * Opens the data directory as {@link #open(Path, BlobStoreOptions)} does; with {@link
   * Start#RECOVER} the catalog is rebuilt first (see {@link Recovery}), and what was rebuilt and
   * lost is in {@link #recovery()}.
   *
   * @throws StoreDamagedException when the catalog does not belong to the store as its state file
   *     records it (see {@link Start#CHECK}); nothing was changed
   */
  public static Vault open(Path dataDir, BlobStoreOptions options, Start start) throws IOException {
    BlobStore blobs = BlobStore.open(dataDir, options);
    return openIn(blobs.dataDir(), blobs, options.clock(), start);
  }

  /**
   * Opens (creating if needed) the data directory with its blobs in {@code backend}, e.g. an S3
   * bucket: the catalog, state, seal listings and logs stay in {@code dataDir}. The vault owns the
   * backend from here on and closes it (also when opening fails). Start-up does not reconcile the
   * catalog with a remote backend's objects (that would list, and download to hash, the whole
   * bucket before serving; a bucket that cannot be reached must not stop the start): a record
   * whose object is gone is found by a scrub or when it is served, and an object a crash left
   * without a record is recorded again by the next ingest of its content, and is garbage for a
   * collection ({@link #gc}) until then.
   *
   * @throws StoreDamagedException as {@link #open(Path, BlobStoreOptions, Start)} does
   */
  public static Vault open(Path dataDir, BlobBackend backend, Clock clock) throws IOException {
    return open(dataDir, backend, clock, Start.CHECK);
  }

  /**
   * Opens as {@link #open(Path, BlobBackend, Clock)} does; with {@link Start#RECOVER} the catalog
   * is rebuilt first from every object of the backend, each read back and re-hashed ({@link
   * BlobBackend#rehashAll}: one whose bytes do not match its name is put aside, never recorded),
   * and from the seal listings and violations in {@code dataDir} (see {@link Recovery}).
   *
   * @throws BackendUnavailableException when a recovery cannot read the bucket; nothing was
   *     recorded as recovered then, and the old catalog stays moved aside
   */
  public static Vault open(Path dataDir, BlobBackend backend, Clock clock, Start start) throws IOException {
    Objects.requireNonNull(backend, "backend");
    Path dir;
    try {
      dir = Files.createDirectories(dataDir.toAbsolutePath().normalize());
      // DATA/tmp/ holds the server's spool files (manifest uploads) as with local blobs: emptied here.
      StoreRecovery.cleanTmp(Files.createDirectories(dir.resolve("tmp")));
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
    return openIn(dir, backend, clock, start);
  }

  private static Vault openIn(Path dir, BlobBackend blobs, Clock clock, Start start) throws IOException {
    Catalog catalog = null;
    StateKeeper keeper = null;
    try {
      Optional<StoreState> found = StoreState.read(dir);
      Path index = dir.resolve("index");
      List<String> rebuilt = new ArrayList<>();
      if (start == Start.RECOVER) {
        Recovery.moveIndexAside(dir, clock).ifPresent(p -> rebuilt.add("the old catalog was moved to " + p));
      } else if (!Files.exists(index.resolve("CURRENT"))) {
        refuseMissingCatalog(dir, blobs, index, found);
      }
      catalog = openCatalog(index, clock, found);
      RecoveryReport report;
      if (start == Start.RECOVER) {
        report = recordAll(blobs, catalog, clock);
        keeper = Recovery.rebuild(dir, catalog, blobs, clock, found, rebuilt);
        rebuilt.forEach(line -> log.warn("recovery of {}: {}", dir, line));
      } else {
        keeper = StateKeeper.check(dir, catalog, clock, found);
        StateKeeper k = keeper;
        report = reconcile(blobs, catalog, clock, set -> k.sealed(set).isPresent());
      }
      return new Vault(dir, blobs, catalog, clock, keeper, report.withRebuilt(rebuilt));
    } catch (IOException | RuntimeException e) {
      if (keeper != null) {
        keeper.close();
      }
      if (catalog != null) {
        catalog.close();
      }
      blobs.close();
      throw e;
    }
  }

  /** {@link Reconciler} for local blob files; nothing for a remote backend (see {@link #open(Path, BlobBackend, Clock)}). */
  private static RecoveryReport reconcile(BlobBackend blobs, Catalog catalog, Clock clock,
      Predicate<SetName> sealed) throws IOException {
    if (blobs instanceof BlobStore local) {
      return new Reconciler(local, catalog, clock, sealed).reconcile();
    }
    return new RecoveryReport(0, List.of(), List.of(), List.of());
  }

  /** At a recovery: {@link Reconciler} for local blob files, a re-hash of every object for a remote backend. */
  private static RecoveryReport recordAll(BlobBackend blobs, Catalog catalog, Clock clock) throws IOException {
    if (blobs instanceof BlobStore) {
      return reconcile(blobs, catalog, clock, set -> false);
    }
    return Recovery.recordObjects(blobs, catalog, clock);
  }

  /** A store that existed (a state file, or blobs) must not start over with a new catalog. */
  private static void refuseMissingCatalog(Path dir, BlobBackend blobs, Path index, Optional<StoreState> found)
      throws IOException {
    String advice = ": restore it from a backup, or start with --recover to rebuild it from the blob files"
        + " and the violations log";
    if (found.isPresent()) {
      throw new StoreDamagedException("the catalog " + index + " is missing, but "
          + StoreState.file(dir) + " records store " + found.get().storeId()
          + (found.get().seals().isEmpty() ? "" : ", with sealed sets " + found.get().seals().keySet()) + advice);
    }
    // A remote store's prefix may hold blobs of a store whose data directory was replaced; there
    // is no recovery from it, and asking it would make the start depend on the bucket.
    if (blobs instanceof BlobStore && !blobs.list(Optional.empty(), 1).isEmpty()) {
      throw new StoreDamagedException("the catalog " + index + " is missing, but " + blobs.location()
          + " holds blobs" + advice);
    }
  }

  /** Opens the catalog; one that RocksDB cannot open is damage, unless another process holds it. */
  private static Catalog openCatalog(Path index, Clock clock, Optional<StoreState> found) throws IOException {
    try {
      return Catalog.open(index, clock);
    } catch (CatalogLockedException e) {
      throw e;
    } catch (CatalogException e) {
      throw new StoreDamagedException("the catalog " + index + " cannot be opened (" + e.getMessage()
          + "): restore it from a backup, or start with --recover to rebuild it from the blob files and the"
          + " violations log" + (found.map(s -> !s.seals().isEmpty()).orElse(false)
              ? " (sealed sets come up sealed)" : ""));
    }
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** Largest page any listing returns. */
  public static final int MAX_PAGE = Catalog.MAX_PAGE;

  /** The catalog, for this package's tests; everyone else goes through the vault's methods. */
  Catalog catalog() {
    return catalog;
  }

  /** The local blob files, for this package's tests (which open vaults on them). */
  BlobStore blobs() {
    return (BlobStore) blobs;
  }

  /** Where the blobs live: {@code DATA/blobs/sha512}, or a remote store such as {@code s3://bucket/prefix}. */
  public String blobLocation() {
    return blobs.location();
  }

  /** The clock that times stored and verified blobs. */
  public Clock clock() {
    return clock;
  }

  /** What start-up found and repaired. */
  public RecoveryReport recovery() {
    return recovery;
  }

  /**
   * Streams {@code in} into a verified blob and records it in the catalog; see {@link
   * BlobStore#ingest} for the checks and their exceptions.
   */
  public StoredBlob ingest(InputStream in, Expectation expected) throws IOException {
    StoredBlob blob = blobs.ingest(in, expected);
    record(blob);
    return blob;
  }

  /**
   * Starts an ingest driven by the caller's writes. Call {@link RecordingWriter#commit} to verify,
   * store and record; close without commit to discard.
   */
  public RecordingWriter newWriter(Expectation expected) throws IOException {
    return new RecordingWriter(this, blobs.newWriter(expected));
  }

  /**
   * Records a stored blob; an existing record (a duplicate ingest) keeps its first time and gains
   * new digests. Concurrent records share one catalog write (group commit).
   *
   * @throws IllegalArgumentException when the blob conflicts with its record (another size)
   */
  public BlobRecord record(StoredBlob blob) {
    touches.touch(blob.sha512()); // a garbage collection running now spares it
    // Merged with the stored record by the catalog's group commit (its one read of the record),
    // which refuses a conflicting size and writes nothing when the record already has it all.
    return catalog.recordBlob(BlobRecord.stored(blob.digests(), blob.size(), clock.instant()));
  }

  /**
   * The record of a blob that is recorded and whose bytes are held: what an upload checks before
   * it reads its body. A blob the catalog surely lacks (told from memory) costs no read.
   */
  public Optional<BlobRecord> heldBlob(Digest sha512) {
    if (!catalog.mayHaveBlob(sha512)) {
      return Optional.empty();
    }
    return catalog.blob(sha512).filter(b -> blobs.contains(sha512));
  }


  /** {@link SourceSet#locate} in the default set. */
  public Located locate(DistfileName name, Optional<String> pkgpath) {
    return defaultSet().locate(name, pkgpath);
  }

  /** {@link SourceSet#locateCached} in the default set. */
  public Optional<Located> locateCached(DistfileName name, Optional<String> pkgpath) {
    return defaultSet().locateCached(name, pkgpath);
  }

  /** Answers held by the locate cache (for tests). */
  int locateCacheSize() {
    return located.size();
  }

  /** The blob with this digest of any algorithm, if held. */
  public Optional<BlobRecord> findByDigest(Digest digest) {
    return catalog.blobsByDigest(digest).stream().findFirst();
  }

  /**
   * The blob with this digest that may be served by content address now: any held blob, or, while
   * the store is sealed, only one bound to a name (in the seal), so that the seal describes
   * everything served.
   */
  public Optional<BlobRecord> findServableByDigest(Digest digest) {
    boolean sealed = !keeper.seals().isEmpty();
    return catalog.blobsByDigest(digest).stream()
        .filter(b -> !sealed || catalog.isBound(b.sha512()))
        .findFirst();
  }

  /** Blobs with this digest of any algorithm: one, none, or (a SHA-1 collision) several. */
  public List<BlobRecord> blobsByDigest(Digest digest) {
    return catalog.blobsByDigest(digest);
  }

  /** The record of the blob with this SHA-512, if recorded. */
  public Optional<BlobRecord> blob(Digest sha512) {
    return catalog.blob(sha512);
  }

  /** The records of the blobs of these SHA-512s, in their order, null where none is recorded. */
  public List<BlobRecord> blobs(List<Digest> sha512s) {
    return catalog.blobs(sha512s);
  }

  /** Up to {@code limit} blob records in SHA-512 order, after {@code after} if given. */
  public List<BlobRecord> listBlobs(Optional<Digest> after, int limit) {
    return catalog.listBlobs(after, limit);
  }

  /** Whether the blob's bytes are held (a record without them is dropped at the next start). */
  public boolean holds(Digest sha512) {
    return blobs.contains(sha512);
  }

  /** The local file of a held blob, for zero-copy serving. */
  public Optional<Path> file(Digest sha512) {
    return blobs.file(sha512);
  }

  /** How many blobs were taken out of service since open; see {@link BlobBackend#deleted}. */
  public long blobsDeleted() {
    return blobs.deleted();
  }

  /** The largest blob accepted, in bytes. */
  public long maxBlobSize() {
    return blobs.maxBlobSize();
  }

  // ---- expectations, bindings, outcomes ----

  // ---- source sets ----

  /**
   * The set {@code default}, which always exists: what every route without a set uses (through
   * {@link #serve}, the set it points at).
   */
  public SourceSet defaultSet() {
    return servedAs.containsKey(SetName.DEFAULT) ? set(SetName.DEFAULT).orElse(defaultSet) : defaultSet;
  }

  /** The set with this name, if the store has it (through {@link #serve}, the set it points at). */
  public Optional<SourceSet> set(SetName name) {
    SetName stored = servedAs.get(name);
    if (stored != null) {
      return keeper.sets().contains(stored)
          ? Optional.of(new SourceSet(name, stored, catalog, keeper, located, files))
          : Optional.empty();
    }
    return keeper.sets().contains(name) ? Optional.of(sourceSet(name)) : Optional.empty();
  }

  /**
   * Makes {@link #set}{@code (name)} answer with what the set {@code stored} expects, binds and
   * seals, under the name {@code name}: how a replica switches to a new seal. One map write, so
   * each lookup sees the old set or the new one whole. For {@code default}, {@link #defaultSet}
   * answers with it too, while the store's own default set (and its seal, {@link #sealed}) stays
   * as it is underneath. In memory only.
   */
  public void serve(SetName name, SetName stored) {
    servedAs.put(name, stored);
  }

  /** The set {@link #serve} points {@code name} at, if it does. */
  public Optional<SetName> servedAs(SetName name) {
    return Optional.ofNullable(servedAs.get(name));
  }

  /** The set with this name, created (durably, empty and filling) if the store does not have it yet. */
  public SourceSet createSet(SetName name) {
    SourceSet set = sourceSet(name);
    synchronized (keeper.sets()) {
      if (keeper.sets().add(name) && set.frozen().filter(deleted(name)::equals).isPresent()) {
        set.thaw(); // the freeze deleteSet left behind
      }
    }
    return set;
  }

  /**
   * The store's sets, by name; {@code default} among them, and a set {@link #serve}d under another
   * name by that name.
   */
  public List<SetName> sets() {
    Map<SetName, SetName> names = new HashMap<>();
    servedAs.forEach((name, stored) -> names.put(stored, name));
    // A stored set whose name another set is served under is hidden behind it.
    return keeper.sets().names().stream().filter(n -> names.containsKey(n) || !servedAs.containsKey(n))
        .map(n -> names.getOrDefault(n, n)).toList();
  }

  /**
   * Deletes a set: what it expects and binds, and its name; never a blob (a blob no set binds is
   * garbage for a collection to find). Writes into the set are refused while it is deleted.
   *
   * @return the number of distfile names the set had
   * @throws IllegalArgumentException for the set {@code default}, or one the store does not have
   * @throws IllegalStateException when the set is sealed (unseal it first)
   * @throws FrozenException when the set is frozen
   */
  public long deleteSet(SetName name) {
    if (name.isDefault()) {
      throw new IllegalArgumentException("the set default cannot be deleted");
    }
    SourceSet set = set(name).orElseThrow(() -> new IllegalArgumentException("no set " + name));
    if (set.sealed().isPresent()) {
      throw new IllegalStateException("set " + name + " is sealed (" + set.sealed().get().digest()
          + "): unseal it before deleting it");
    }
    Optional<String> frozen = set.frozen();
    if (frozen.isPresent()) {
      throw new FrozenException("delete set " + name, frozen.get());
    }
    // The set stays frozen after its deletion, until createSet makes it anew: a request that
    // looked the set up before it was deleted must not write records back into it.
    set.freeze(deleted(name));
    keepNamesOfDeleted(name);
    long names;
    try {
      names = catalog.deleteSet(name);
    } catch (RuntimeException e) {
      set.thaw();
      throw e;
    }
    synchronized (keeper.sets()) {
      keeper.sets().remove(name);
    }
    keeper.history().forget(name);
    return names;
  }

  /**
   * Keeps what a set being deleted binds ({@code name TAB sha512hex} lines) in {@code
   * DATA/deleted-sets/<set>-<millis>.tsv}, so that a garbage collection can name the blobs it
   * leaves; best effort (a failure is logged), and removed by the collection that deletes the last
   * of those blobs.
   */
  private void keepNamesOfDeleted(SetName name) {
    try {
      TreeSet<byte[]> lines = keeper.sealer().lines(name);
      if (lines.isEmpty()) {
        return;
      }
      Path dir = Files.createDirectories(dataDir().resolve(GarbageCollector.DELETED_SETS));
      Path file = dir.resolve(name.value() + "-" + clock.millis() + ".tsv");
      try (OutputStream out = Files.newOutputStream(file)) {
        for (byte[] line : lines) {
          out.write(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot keep the names of deleted set {} for garbage collection reports: {}", name, e.toString());
    }
  }

  private static String deleted(SetName name) {
    return "set " + name + " was deleted";
  }

  private SourceSet sourceSet(SetName name) {
    return new SourceSet(name, catalog, keeper, located, files);
  }

  // ---- the default set's expectations and bindings (see SourceSet for any set) ----

  /** {@link SourceSet#expect} into the default set. */
  public UpsertSummary expect(Iterable<ExpectedDistfile> expected) {
    return defaultSet.expect(expected);
  }

  /** {@link SourceSet#expect} of one expectation into the default set. */
  public UpsertSummary expect(ExpectedDistfile expected) {
    return defaultSet.expect(List.of(expected));
  }

  /** {@link SourceSet#distfile} of the default set. */
  public Optional<DistfileRecord> distfile(DistfileName name) {
    return defaultSet.distfile(name);
  }

  /** {@link SourceSet#listDistfiles} of the default set. */
  public List<DistfileRecord> listDistfiles(Optional<DistfileName> after, int limit) {
    return defaultSet.listDistfiles(after, limit);
  }

  /** {@link SourceSet#bind} in the default set. */
  public void bind(VariantRef variant, Digest sha512) {
    defaultSet.bind(variant, sha512);
  }

  /** {@link SourceSet#bindAll} in the default set. */
  public void bindAll(List<Map.Entry<VariantRef, Digest>> bindings) {
    defaultSet.bindAll(bindings);
  }

  /** {@link SourceSet#recordOutcome} in the default set. */
  public void recordOutcome(VariantRef variant, PrefetchOutcome outcome) {
    defaultSet.recordOutcome(variant, outcome);
  }

  /** {@link SourceSet#recordOutcomes} in the default set. */
  public void recordOutcomes(Map<VariantRef, PrefetchOutcome> outcomes) {
    defaultSet.recordOutcomes(outcomes);
  }

  /** {@link SourceSet#freeze} of the default set. */
  public void freeze(String reason) {
    defaultSet.freeze(reason);
  }

  /** {@link SourceSet#thaw} of the default set. */
  public void thaw() {
    defaultSet.thaw();
  }

  /** {@link SourceSet#frozen} of the default set. */
  public Optional<String> frozen() {
    return defaultSet.frozen();
  }

  /** Writes that belong together, for {@link SourceSet#unlessFrozen}. */
  @FunctionalInterface
  public interface Writes<E extends Exception> {
    void run() throws E;
  }

  /** {@link SourceSet#unlessFrozen} of the default set. */
  public <E extends Exception> void unlessFrozen(String what, Writes<E> writes) throws E {
    defaultSet.unlessFrozen(what, writes);
  }

  // ---- logs and state ----

  /**
   * Appends an entry to a log (violations, audit) and returns its cursor once it is durable;
   * concurrent appends share one fsync.
   */
  public long append(LogKind kind, byte[] payload) {
    return catalog.append(kind, payload);
  }

  /**
   * Appends entries to a log in one synced write and returns their cursors (consecutive, in
   * order) once all are durable; all or none are stored.
   */
  public long[] appendAll(LogKind kind, List<byte[]> payloads) {
    return catalog.appendAll(kind, payloads);
  }

  /** Up to {@code limit} entries of a log after {@code afterCursor}, oldest first. */
  public List<LogEntry> read(LogKind kind, long afterCursor, int limit) {
    return catalog.read(kind, afterCursor, limit);
  }

  /** The cursor of the newest entry of a log, 0 when it is empty. */
  public long lastCursor(LogKind kind) {
    return catalog.lastCursor(kind);
  }

  /**
   * Sets the listener told of each group of a log's entries once durable, before their appends
   * return (one listener per log; null removes it).
   */
  public void onCommitted(LogKind kind, LogListener listener) {
    catalog.onCommitted(kind, listener);
  }

  /** Stores a state value (e.g. the mode or the seal) durably. */
  public void putState(String key, byte[] value) {
    catalog.putState(key, value);
  }

  /** A stored state value. */
  public Optional<byte[]> state(String key) {
    return catalog.state(key);
  }

  // ---- counts ----

  /** Current counts, maintained with every write: reading them costs no I/O. */
  public StoreStats stats() {
    return catalog.stats();
  }

  /** Recounts every record with a full scan, stores and returns the counts (for checks). */
  public StoreStats recount() {
    return catalog.recount();
  }

  /**
   * Re-hashes every blob file; each corrupt one is quarantined, dropped from the catalog, and
   * the names bound to it are unbound (so it is never served again and a later prefetch fetches
   * it anew).
   */
  public ScrubReport scrub() throws IOException {
    begin("a scrub");
    try {
      return scrubNow();
    } finally {
      maintenance.set(null);
    }
  }

  private void begin(String what) {
    if (!maintenance.compareAndSet(null, what)) {
      throw new VaultBusyException(maintenance.get() + " is running");
    }
  }

  /**
   * Collects garbage: counts every recorded blob that is not live and, with {@code apply}, deletes
   * them, oldest first, until {@code bytesWanted} bytes are freed ({@link Long#MAX_VALUE}: all).
   * A blob is live when a filling set expects or binds it, when a sealed set's seal in force
   * contains it, or when one of the last {@code keepSeals} seals of a set contains it. A blob
   * that an ingest stores or records, or a bind binds, while the collection runs is never deleted
   * (see {@link GarbageCollector}). With {@code apply}, the seal listings that no set's seal in
   * force nor its last {@code keepSeals} seals refer to are deleted too, and the seal histories
   * forget the older seals.
   *
   * @throws VaultBusyException while another collection or a scrub runs
   * @throws IllegalStateException when a kept seal's listing is missing (nothing was deleted)
   */
  public GcReport gc(int keepSeals, boolean apply, long bytesWanted) throws IOException {
    return gc(keepSeals, apply, bytesWanted, () -> { });
  }

  /** {@link #gc}, running {@code beforeSweep} between the mark and the deletions (for tests). */
  GcReport gc(int keepSeals, boolean apply, long bytesWanted, Runnable beforeSweep) throws IOException {
    begin("a garbage collection");
    try {
      return new GarbageCollector(catalog, blobs, dataDir, keeper, touches, beforeSweep).run(keepSeals, apply, bytesWanted);
    } finally {
      maintenance.set(null);
    }
  }

  /** The seals of {@code set} remembered for {@link #gc}, newest first (at most 16). */
  public List<Seal> sealHistory(SetName set) {
    return keeper.history().of(set);
  }

  private ScrubReport scrubNow() throws IOException {
    ScrubReport report =
        blobs
            .verify(
                corrupt ->
                    corrupt
                        .expected()
                        .ifPresent(
                            sha512 -> {
                              log.warn("scrub: blob {} is corrupt ({}), dropped from the catalog",
                                  sha512.hex(), corrupt.reason());
                              dropBlob(sha512);
                            }));
    return report.withMissing(dropMissing());
  }

  /** Drops the records of blobs whose file is gone (removed by hand, lost); returns them. */
  private List<Digest> dropMissing() {
    List<Digest> missing = new ArrayList<>();
    Optional<Digest> after = Optional.empty();
    for (List<BlobRecord> page = catalog.listBlobs(after, MAX_PAGE); !page.isEmpty();
        page = catalog.listBlobs(after, MAX_PAGE)) {
      for (BlobRecord b : page) {
        if (!blobs.contains(b.sha512())) {
          log.warn("scrub: blob {} is recorded but its file is missing: dropped from the catalog", b.sha512().hex());
          dropBlob(b.sha512());
          missing.add(b.sha512());
        }
      }
      after = Optional.of(page.get(page.size() - 1).sha512());
    }
    return missing;
  }

  /**
   * Forgets a blob that is no longer held. Its names are unbound, except in a sealed store, whose
   * bindings stay what the seal describes: a request for such a name is a miss naming the missing
   * blob.
   */
  private void dropBlob(Digest sha512) {
    catalog.removeBlob(sha512, set -> keeper.sealed(set).isPresent());
  }

  /**
   * Forgets a blob whose file was found gone (e.g. by serving it): its record is dropped, its names
   * unbound unless the store is sealed. Does nothing while the store still holds the blob (its file
   * is there, or a remote backend still has it when only its cache tier's copy went).
   *
   * @return whether the record was dropped
   */
  public boolean forgetMissing(Digest sha512) {
    if (!blobs.contains(sha512) && catalog.blob(sha512).isPresent()) {
      log.warn("blob {} is recorded but its file is missing: dropped from the catalog", sha512.hex());
      dropBlob(sha512);
      return true;
    }
    return false;
  }

  /**
   * Puts aside a blob whose file was found not to hold its bytes (e.g. while serving it): the file
   * goes to quarantine with {@code reason} and the record is dropped, its names unbound unless the
   * store is sealed. With a remote backend the file was only its cache tier's copy: that is dropped,
   * and the blob and its record stay (see {@link BlobBackend#dropCopy}).
   */
  public void quarantine(Digest sha512, String reason) throws IOException {
    if (blobs.dropCopy(sha512, reason)) {
      return;
    }
    blobs.delete(sha512, reason);
    if (catalog.blob(sha512).isPresent()) {
      log.warn("blob {} is corrupt ({}): quarantined and dropped from the catalog", sha512.hex(), reason);
      dropBlob(sha512);
    }
  }

  // ---- the default set's seal, kept outside the catalog too ----

  /** {@link SourceSet#seal} of the default set. */
  public Seal seal(Instant at) throws IOException {
    return defaultSet.seal(at);
  }

  /** {@link SourceSet#unseal} of the default set. */
  public void unseal() throws IOException {
    defaultSet.unseal();
  }

  /** {@link SourceSet#sealed} of the default set. */
  public Optional<Seal> sealed() {
    return defaultSet.sealed();
  }

  /** The seal in force of every sealed set. */
  public Map<SetName, Seal> seals() {
    return keeper.seals();
  }

  /** The store's id, given at creation and kept outside the catalog too. */
  public String storeId() {
    return keeper.storeId();
  }

  /**
   * Writes a consistent point-in-time backup of the whole store into {@code to} while the store
   * keeps serving: a RocksDB checkpoint of the catalog ({@code to/index}), the file of every blob it
   * records ({@code to/blobs/sha512/..}: hard links on the same file system, verified copies
   * otherwise), the seal listings, {@code to/store.state} and {@code to/log/violations.jsonl} as of
   * the checkpoint, and the manifest {@code to/backup.json}, written last. Not the admin token.
   * {@code Vault.open(to)} (that is {@code serve --data to}) opens it as the same store with the
   * same sets, seals, violations and audit log as at the checkpoint. Blobs recorded after the
   * checkpoint are not in it; a recorded blob whose file is gone is reported in {@link
   * BackupReport#missing}. One backup at a time. A backup that succeeds is remembered ({@link
   * #lastBackup}).
   *
   * @throws IllegalArgumentException when {@code to} exists and is not an empty directory, or lies
   *     inside the data directory
   * @throws IllegalStateException when another backup of this vault is running
   * @throws IOException when the backup failed part-way, naming {@code to} and the cause; what it
   *     had written there is removed
   */
  public BackupReport backup(Path to) throws IOException {
    return backup(to, true);
  }

  /** {@link #backup(Path)}; without {@code links} every blob file is copied (for tests). */
  BackupReport backup(Path to, boolean links) throws IOException {
    Objects.requireNonNull(to, "to");
    if (!backingUp.compareAndSet(false, true)) {
      throw new IllegalStateException("a backup is already running");
    }
    try {
      BackupReport report = new Backup(dataDir, catalog, keeper, clock, links,
          blobs instanceof BlobStore ? Optional.empty() : Optional.of(blobs.location())).take(to);
      Backup.remember(catalog, report);
      return report;
    } finally {
      backingUp.set(false);
    }
  }

  /** The last backup that succeeded, also of an earlier run; empty when none did. */
  public Optional<BackupReport.Last> lastBackup() {
    return Backup.last(catalog);
  }

  @Override
  public void close() throws IOException {
    try {
      keeper.close();
      catalog.close();
    } finally {
      blobs.close();
    }
  }

  /**
   * Where a name leads.
   *
   * @param resolution the catalog's answer (which variant, and why)
   * @param blob the record of the bound blob, if any
   * @param file the blob's file, if any
   */
  public record Located(Resolution resolution, Optional<BlobRecord> blob, Optional<Path> file) {
    public Located {
      Objects.requireNonNull(resolution, "resolution");
      Objects.requireNonNull(blob, "blob");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * A {@link BlobWriter} whose commit also records the blob in the catalog. Not thread-safe;
   * close it (try-with-resources) whether or not it was committed.
   */
  public static final class RecordingWriter extends OutputStream {
    private final Vault vault;
    private final BlobWriter writer;
    private BlobRecord recorded;

    RecordingWriter(Vault vault, BlobWriter writer) {
      this.vault = vault;
      this.writer = writer;
    }

    @Override
    public void write(int b) throws IOException {
      writer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writer.write(b, off, len);
    }

    /** Bytes written so far. */
    public long count() {
      return writer.count();
    }

    /** {@link BlobWriter#readSome}: one read from {@code source} straight into the chunk buffer. */
    public int readSome(BlobWriter.Source source) throws IOException {
      return writer.readSome(source);
    }

    /** Verifies, stores and records the blob. */
    public StoredBlob commit() throws IOException {
      StoredBlob blob = writer.commit();
      recorded = vault.record(blob);
      return blob;
    }

    /** The blob's record as {@link #commit} left it (merged with an earlier one, if any). */
    public BlobRecord recorded() {
      if (recorded == null) {
        throw new IllegalStateException("not committed");
      }
      return recorded;
    }

    /** Discards the content unless committed. */
    @Override
    public void close() throws IOException {
      writer.close();
    }
  }
}
