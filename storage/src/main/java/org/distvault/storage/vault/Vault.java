package org.distvault.storage.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.BlobLayout;
import org.distvault.storage.blob.BlobStore;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.catalog.CatalogException;
import org.distvault.storage.catalog.CatalogLockedException;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
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

  private final BlobStore store;
  private final BlobBackend blobs;
  private final BlobLayout layout;
  private final Catalog catalog;
  private final Clock clock;
  private final RecoveryReport recovery;
  private final StateKeeper keeper;
  private final LocateCache located;

  private Vault(BlobStore store, Catalog catalog, Clock clock, StateKeeper keeper, RecoveryReport recovery) {
    this.store = store;
    this.blobs = store;
    this.layout = store.layout();
    this.catalog = catalog;
    this.clock = clock;
    this.keeper = keeper;
    this.recovery = recovery;
    this.located = new LocateCache(catalog::generation, LocateCache.MAX_ENTRIES);
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
    Clock clock = options.clock();
    Path dir = blobs.dataDir();
    Catalog catalog = null;
    StateKeeper keeper = null;
    try {
      Optional<StoreState> found = StoreState.read(dir);
      Path index = dir.resolve("index");
      List<String> rebuilt = new ArrayList<>();
      if (start == Start.RECOVER) {
        Recovery.moveIndexAside(dir, clock).ifPresent(p -> rebuilt.add("the old catalog was moved to " + p));
      } else if (!Files.exists(index.resolve("CURRENT"))) {
        refuseMissingCatalog(blobs, index, found);
      }
      catalog = openCatalog(index, clock, found);
      RecoveryReport report;
      if (start == Start.RECOVER) {
        report = new Reconciler(blobs, catalog, clock, false).reconcile();
        keeper = Recovery.rebuild(dir, catalog, clock, found, rebuilt);
        rebuilt.forEach(line -> log.warn("recovery of {}: {}", dir, line));
      } else {
        keeper = StateKeeper.check(dir, catalog, clock, found);
        report = new Reconciler(blobs, catalog, clock, keeper.sealed().isPresent()).reconcile();
      }
      return new Vault(blobs, catalog, clock, keeper, report.withRebuilt(rebuilt));
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

  /** A store that existed (a state file, or blob files) must not start over with a new catalog. */
  private static void refuseMissingCatalog(BlobStore blobs, Path index, Optional<StoreState> found)
      throws IOException {
    String advice = ": restore it from a backup, or start with --recover to rebuild it from the blob files"
        + " and the violations log";
    if (found.isPresent()) {
      throw new StoreDamagedException("the catalog " + index + " is missing, but "
          + StoreState.file(blobs.dataDir()) + " records store " + found.get().storeId()
          + (found.get().seal().isPresent() ? ", sealed with " + found.get().seal().get().digest() : "") + advice);
    }
    if (!blobs.list(Optional.empty(), 1).isEmpty()) {
      throw new StoreDamagedException("the catalog " + index + " is missing, but " + blobs.layout().root()
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
          + " violations log" + (found.flatMap(StoreState::seal).isPresent() ? " (it comes up sealed)" : ""));
    }
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return store.dataDir();
  }

  /** Largest page any listing returns. */
  public static final int MAX_PAGE = Catalog.MAX_PAGE;

  /** The catalog, for this package's tests; everyone else goes through the vault's methods. */
  Catalog catalog() {
    return catalog;
  }

  /** The blob files, for this package's tests. */
  BlobStore blobs() {
    return store;
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
    Optional<BlobRecord> existing = catalog.blob(blob.sha512());
    if (existing.isPresent() && existing.get().size() == blob.size()
        && existing.get().digests().algorithms().containsAll(blob.digests().algorithms())) {
      return existing.get(); // nothing new to write
    }
    // Merged with the stored record by the catalog, which refuses a conflicting size.
    return catalog.putBlob(BlobRecord.stored(blob.digests(), blob.size(), clock.instant()));
  }


  /**
   * Which blob a request for {@code name} (from package {@code pkgpath}, when known) means, with
   * its file; empty {@link Located#file()} when the catalog knows the name but holds no content.
   *
   * <p>Answers with a blob are cached in memory ({@link LocateCache}) and read again after any
   * write to the catalog's records, so a hit costs no catalog read and a cached answer never
   * outlives an unbind, re-bind or scrub removal.
   */
  public Located locate(DistfileName name, Optional<String> pkgpath) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pkgpath, "pkgpath");
    return located.locate(name, pkgpath, () -> read(name, pkgpath));
  }

  /**
   * The answer {@link #locate} would give, if it is cached and still current; empty when it is
   * not cached (then ask {@link #locate}). Reads no catalog record: for threads that must not
   * block, e.g. an HTTP I/O thread answering a hit.
   */
  public Optional<Located> locateCached(DistfileName name, Optional<String> pkgpath) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pkgpath, "pkgpath");
    return located.peek(name, pkgpath);
  }

  /** Answers held by the locate cache (for tests). */
  int locateCacheSize() {
    return located.size();
  }

  /** {@link #locate} from the catalog itself. */
  private Located read(DistfileName name, Optional<String> pkgpath) {
    Resolution r = catalog.resolve(name, pkgpath);
    Optional<BlobRecord> blob = r.blob().flatMap(catalog::blob);
    return new Located(r, blob, blob.map(b -> layout.path(b.sha512())));
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
    boolean sealed = keeper.sealed().isPresent();
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

  /**
   * Records what distfiles are expected (a manifest); see the identity rule of {@link
   * org.distvault.storage.distfile.ContentIdentity}. Written in atomic chunks; replaying is harmless.
   *
   * @throws FrozenException when the store is frozen (sealed)
   */
  public UpsertSummary expect(Iterable<ExpectedDistfile> expected) {
    return catalog.upsertAll(expected);
  }

  /** Records one expectation; see {@link #expect(Iterable)}. */
  public UpsertSummary expect(ExpectedDistfile expected) {
    return catalog.upsert(expected);
  }

  /** Everything expected under {@code name}: all its variants. */
  public Optional<DistfileRecord> distfile(DistfileName name) {
    return catalog.distfile(name);
  }

  /** Up to {@code limit} distfile records in name byte order, after {@code after} if given. */
  public List<DistfileRecord> listDistfiles(Optional<DistfileName> after, int limit) {
    return catalog.listDistfiles(after, limit);
  }

  /**
   * Binds a variant to a held blob that satisfies it (every expected digest and the size).
   *
   * @throws IllegalArgumentException when the variant or blob is unknown or they do not match
   * @throws FrozenException when the store is frozen
   */
  public void bind(VariantRef variant, Digest sha512) {
    catalog.bind(variant, sha512);
  }

  /** Binds several variants in one write; if one binding cannot be made, none is. */
  public void bindAll(List<Map.Entry<VariantRef, Digest>> bindings) {
    catalog.bindAll(bindings);
  }

  /** Records the last prefetch outcome of a variant. */
  public void recordOutcome(VariantRef variant, PrefetchOutcome outcome) {
    catalog.recordOutcome(variant, outcome);
  }

  /** Records prefetch outcomes in one write; naming an unknown variant writes nothing. */
  public void recordOutcomes(Map<VariantRef, PrefetchOutcome> outcomes) {
    catalog.recordOutcomes(outcomes);
  }

  // ---- the freeze that keeps a seal true ----

  /**
   * Freezes what is expected and bound: expect, bind and outcome writes throw {@link
   * FrozenException} with {@code reason} until {@link #thaw}. When this returns none of them is
   * still running. In memory only: whoever froze the store freezes it again after a restart.
   */
  public void freeze(String reason) {
    catalog.freeze(reason);
  }

  /** Ends a {@link #freeze}. */
  public void thaw() {
    catalog.thaw();
  }

  /** Why the store is frozen, if it is. */
  public Optional<String> frozen() {
    return catalog.frozen();
  }

  /** Writes that belong together, for {@link #unlessFrozen}. */
  @FunctionalInterface
  public interface Writes<E extends Exception> {
    void run() throws E;
  }

  /**
   * Runs {@code writes} as one with respect to a {@link #freeze}: all run before it takes effect,
   * or none does and this throws {@link FrozenException} naming {@code what}.
   */
  public <E extends Exception> void unlessFrozen(String what, Writes<E> writes) throws E {
    catalog.unlessFrozen(what, writes::run);
  }

  // ---- logs and state ----

  /**
   * Appends an entry to a log (violations, audit) and returns its cursor once it is durable;
   * concurrent appends share one fsync.
   */
  public long append(LogKind kind, byte[] payload) {
    return catalog.append(kind, payload);
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
    if (keeper.sealed().isPresent()) {
      catalog.dropBlobRecord(sha512);
    } else {
      catalog.removeBlob(sha512);
    }
  }

  /**
   * Forgets a blob whose file was found gone (e.g. by serving it): its record is dropped, its names
   * unbound unless the store is sealed. Does nothing while the file is there.
   */
  public void forgetMissing(Digest sha512) {
    if (!blobs.contains(sha512) && catalog.blob(sha512).isPresent()) {
      log.warn("blob {} is recorded but its file is missing: dropped from the catalog", sha512.hex());
      dropBlob(sha512);
    }
  }

  /**
   * Puts aside a blob whose file was found not to hold its bytes (e.g. while serving it): the file
   * goes to quarantine with {@code reason} and the record is dropped, its names unbound unless the
   * store is sealed.
   */
  public void quarantine(Digest sha512, String reason) throws IOException {
    blobs.delete(sha512, reason);
    if (catalog.blob(sha512).isPresent()) {
      log.warn("blob {} is corrupt ({}): quarantined and dropped from the catalog", sha512.hex(), reason);
      dropBlob(sha512);
    }
  }

  // ---- the seal, kept outside the catalog too ----

  /**
   * Seals the store: computes the {@link Seal} of what is bound now, keeps its listing
   * ({@code DATA/seals/}), and records it in {@code DATA/store.state} and then in the catalog. Freeze
   * the store first, so that nothing is bound behind the seal.
   */
  public Seal seal(Instant at) throws IOException {
    return keeper.seal(at);
  }

  /** Records that the store is no longer sealed (in {@code DATA/store.state} first). */
  public void unseal() throws IOException {
    keeper.unseal();
  }

  /** The seal in force, if the store is sealed; it survives the loss of the catalog. */
  public Optional<Seal> sealed() {
    return keeper.sealed();
  }

  /** The store's id, given at creation and kept outside the catalog too. */
  public String storeId() {
    return keeper.storeId();
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
  public static final class RecordingWriter extends java.io.OutputStream {
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
