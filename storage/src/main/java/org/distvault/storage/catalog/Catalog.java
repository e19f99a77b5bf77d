package org.distvault.storage.catalog;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
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
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.record.VariantRef;
import org.rocksdb.RocksDBException;

/**
 * The distvault catalog: expected distfiles, stored blobs, the digest index, append-only logs and
 * a small state area, in one RocksDB database under {@code DATA/index/}.
 *
 * <p>Every write is durable when its method returns (synced WAL). Concurrent writes of every kind
 * (blob records, expectations, bindings, outcomes, log entries) share one fsync: they are
 * group-committed by one {@link GroupCommitter}. Counts for gauges are maintained with every write
 * and cost nothing to read ({@link #stats}).
 *
 * <p>Thread-safe. {@link #close} waits for calls in flight; afterwards every method throws
 * {@link IllegalStateException} ("catalog is closed"), never touching the closed database. No
 * iterator escapes: listings return materialised pages. Only one process can open a directory
 * ({@link CatalogLockedException}).
 */
public final class Catalog implements AutoCloseable {
  /** Expectations per synced WriteBatch in {@link #upsertAll}. */
  static final int UPSERT_CHUNK = 1000;

  /** Largest page any listing returns. */
  public static final int MAX_PAGE = 10_000;

  private final RocksStore store;
  private final Records records;
  private final Logs logs;
  private final GroupCommitter committer;
  private final Guard guard;
  /** One freeze per set: sealing one set never blocks writes to another. */
  private final ConcurrentHashMap<SetName, WriteFreeze> freezes = new ConcurrentHashMap<>();

  private Catalog(RocksStore store, Clock clock) throws RocksDBException {
    this.store = store;
    this.records = new Records(store);
    this.logs = new Logs(store);
    this.committer = new GroupCommitter(store, clock, logs.lastStored());
    this.guard = new Guard(store.dir.toString());
  }

  /** Opens or creates the catalog in {@code dir}; log entries are timed by the system clock. */
  public static Catalog open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  /**
   * Opens or creates the catalog in {@code dir} (normally {@code DATA/index}).
   *
   * @param clock times log entries
   * @throws CatalogLockedException when another process (or this one) has it open
   * @throws CatalogException when RocksDB cannot open it or stored counters are unreadable
   */
  public static Catalog open(Path dir, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    RocksStore store = RocksStore.open(dir.toAbsolutePath().normalize());
    try {
      return new Catalog(store, clock);
    } catch (RocksDBException | RuntimeException e) {
      store.close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new CatalogException("cannot open catalog " + store.dir + ": " + e.getMessage(), e);
    }
  }

  /** The catalog directory. */
  public Path directory() {
    return store.dir;
  }

  // ---- expected distfiles ----

  /** Records one expectation; see {@link #upsertAll}. */
  public UpsertSummary upsert(ExpectedDistfile expected) {
    return upsertAll(SetName.DEFAULT, List.of(expected));
  }

  /** {@link #upsertAll(SetName, Iterable)} into the default set. */
  public UpsertSummary upsertAll(Iterable<ExpectedDistfile> expected) {
    return upsertAll(SetName.DEFAULT, expected);
  }

  /**
   * Records expectations, e.g. a whole manifest. An expectation of the same content as an
   * existing variant of the name (the identity rule of {@link Variants}: no conflicting size or
   * digest and at least one shared digest) merges into it: new digests and a size are added,
   * PKGPATHs united, new URLs appended. Otherwise it becomes a new variant. A PKGPATH stays on
   * one variant per name: the latest upsert takes it from any other variant.
   *
   * <p>Entries are written in synced chunks of {@value #UPSERT_CHUNK}; each chunk is atomic, the
   * whole call is not. Upserts are idempotent, so after a crash the same input can be replayed.
   * A bound variant whose expectations grow is unbound unless its blob satisfies them too.
   */
  public UpsertSummary upsertAll(SetName set, Iterable<ExpectedDistfile> expected) {
    return upsertAll(set, expected, UPSERT_CHUNK);
  }

  /**
   * As {@link #upsertAll(SetName, Iterable)}, in synced chunks of {@code chunkSize} entries: a
   * whole manifest takes fewer disk flushes in larger chunks (each chunk is one write of a group,
   * and other writes wait for its group meanwhile).
   */
  public UpsertSummary upsertAll(SetName set, Iterable<ExpectedDistfile> expected, int chunkSize) {
    Objects.requireNonNull(set, "set");
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
    }
    UpsertSummary total = UpsertSummary.NONE;
    List<ExpectedDistfile> chunk = new ArrayList<>(Math.min(chunkSize, UPSERT_CHUNK));
    for (ExpectedDistfile e : expected) {
      chunk.add(Objects.requireNonNull(e, "expected distfile"));
      if (chunk.size() == chunkSize) {
        total = total.plus(upsertChunk(set, chunk));
        chunk.clear();
      }
    }
    if (chunk.isEmpty()) {
      // Still through the guard, so that even an empty upsert fails on a closed catalog.
      UpsertSummary done = total;
      return freeze(set).call("upsert", () -> guard.call("upsert", () -> done));
    }
    return total.plus(upsertChunk(set, chunk));
  }

  private UpsertSummary upsertChunk(SetName set, List<ExpectedDistfile> chunk) {
    return freeze(set).call("upsert", () -> guard.call("upsert",
        () -> committer.submit(b -> records.upsert(b, set, chunk))));
  }

  /** Everything the default set expects under {@code name}: all its variants. */
  public Optional<DistfileRecord> distfile(DistfileName name) {
    return distfile(SetName.DEFAULT, name);
  }

  /** Everything {@code set} expects under {@code name}: all its variants. */
  public Optional<DistfileRecord> distfile(SetName set, DistfileName name) {
    return guard.call("read distfile", () -> records.distfile(set, name));
  }

  /**
   * What {@code set} expects under each of {@code names}, in their order: the contents of the
   * name's variants (lowest id first), or null where it expects nothing. One multi-get, and only
   * what a presence check needs is decoded.
   */
  public List<List<VariantContent>> contents(SetName set, List<DistfileName> names) {
    return guard.call("read distfiles", () -> records.contents(set, names));
  }

  /** Chooses the variant of the default set a request for {@code name} means. */
  public Resolution resolve(DistfileName name, Optional<String> pkgpath) {
    return resolve(SetName.DEFAULT, name, pkgpath);
  }

  /** Chooses the variant of {@code set} a request for {@code name} means; rules in {@link Resolution#of}. */
  public Resolution resolve(SetName set, DistfileName name, Optional<String> pkgpath) {
    Objects.requireNonNull(pkgpath, "pkgpath");
    return guard.call("resolve",
        () -> Resolution.of(name, records.distfile(set, name).orElse(null), pkgpath));
  }

  /**
   * Whether {@code set} surely has no record of {@code name}, known from memory alone (the
   * memtables and the tables' bloom filters; RocksDB's {@code KeyMayExist}, which reads nothing
   * from disk): true means {@link #resolve} would find the name unknown. False when it may have
   * one, or when memory cannot tell (a table not opened yet): then ask {@link #resolve}. For
   * threads that must not block, e.g. an HTTP I/O thread answering a miss.
   */
  public boolean surelyUnknown(SetName set, DistfileName name) {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(name, "name");
    return guard.call("resolve", () -> !records.mayHaveDistfile(set, name));
  }

  /**
   * A number that changes after every write of distfile or blob records (upsert, outcomes, bind,
   * put, verify, remove), before the writing method returns. A cache of what was read may keep
   * an answer only while the generation read <em>before</em> reading it is still current: then
   * no write has completed since (see {@code Vault#locate}). Log appends and state writes do not
   * change it.
   */
  public long generation() {
    // In memory only, read on every hit: no lock (the lifecycle lock's read side is shared state).
    guard.checkOpen();
    return committer.generation();
  }

  /** Up to {@code limit} distfile records in name byte order, after {@code after} if given. */
  public List<DistfileRecord> listDistfiles(Optional<DistfileName> after, int limit) {
    return listDistfiles(SetName.DEFAULT, after, limit);
  }

  /** Up to {@code limit} of {@code set}'s distfile records in name byte order, after {@code after} if given. */
  public List<DistfileRecord> listDistfiles(SetName set, Optional<DistfileName> after, int limit) {
    checkLimit(limit);
    return guard.call("list distfiles", () -> records.listDistfiles(set, after, limit));
  }

  /** Records the last prefetch outcome of a variant of the default set. */
  public void recordOutcome(VariantRef variant, PrefetchOutcome outcome) {
    recordOutcomes(SetName.DEFAULT, Map.of(variant, outcome));
  }

  /** {@link #recordOutcomes(SetName, Map)} in the default set. */
  public void recordOutcomes(Map<VariantRef, PrefetchOutcome> outcomes) {
    recordOutcomes(SetName.DEFAULT, outcomes);
  }

  /**
   * Records prefetch outcomes in one synced batch.
   *
   * @throws IllegalArgumentException naming an unknown distfile or variant; nothing is written
   */
  public void recordOutcomes(SetName set, Map<VariantRef, PrefetchOutcome> outcomes) {
    freeze(set).call("record outcomes", () -> guard.call("record outcomes",
        () -> committer.submit(b -> records.recordOutcomes(b, set, outcomes))));
  }

  /**
   * Binds a variant to a stored blob, after the blob store verified it. The blob must satisfy the
   * variant: every expected digest was computed for the blob and matches, and the size matches.
   * A variant bound to another blob is re-bound.
   *
   * @throws IllegalArgumentException when the variant or blob is unknown or they do not match
   */
  public void bind(VariantRef variant, Digest sha512) {
    bindAll(SetName.DEFAULT, List.of(Map.entry(variant, sha512)));
  }

  /** {@link #bindAll(SetName, List)} in the default set. */
  public void bindAll(List<Map.Entry<VariantRef, Digest>> bindings) {
    bindAll(SetName.DEFAULT, bindings);
  }

  /**
   * Binds several variants to stored blobs in one synced write (one disk flush for a batch of
   * prefetch outcomes instead of one per distfile). Each binding is checked as {@link #bind}
   * checks it, in order, so a later one sees the earlier ones; if any fails, none is written.
   *
   * @throws IllegalArgumentException naming the first binding that cannot be made
   */
  public void bindAll(SetName set, List<Map.Entry<VariantRef, Digest>> bindings) {
    bindings.forEach(b -> Digest.requireSha512(b.getValue()));
    freeze(set).call("bind", () -> guard.call("bind",
        () -> committer.submit(b -> records.bindAll(b, set, bindings))));
  }

  /**
   * Freezes what {@code set} expects and binds: its upserts, outcomes and binds throw {@link
   * FrozenException} with {@code reason} until {@link #thaw}. When this returns, none of
   * them is still running, so what is bound now stays bound (a seal computed now holds). Other
   * sets, blob records, verification times, blob removal (a scrub must still drop a corrupt
   * blob), logs and state stay writable. Freezing a frozen set replaces the reason. In memory
   * only: whoever froze a set freezes it again after a restart.
   */
  public void freeze(SetName set, String reason) {
    Objects.requireNonNull(reason, "reason");
    freeze(set).freeze(reason);
  }

  /** Writes that belong together, for {@link #unlessFrozen}. */
  @FunctionalInterface
  public interface Writes<E extends Exception> {
    void run() throws E;
  }

  /**
   * Runs {@code writes} (e.g. a request's binds and their outcomes) as one with respect to a
   * {@link #freeze} of {@code set}: either all run before it takes effect, or none does and this
   * throws {@link FrozenException} naming {@code what}. Keep them short: a freeze waits for them.
   */
  public <E extends Exception> void unlessFrozen(SetName set, String what, Writes<E> writes) throws E {
    freeze(set).run(what, writes);
  }

  /** Ends a {@link #freeze}; thawing a set that is not frozen does nothing. */
  public void thaw(SetName set) {
    freeze(set).thaw();
  }

  /** Why {@code set} is frozen, if it is. */
  public Optional<String> frozen(SetName set) {
    WriteFreeze f = freezes.get(set);
    return f == null ? Optional.empty() : Optional.ofNullable(f.reason());
  }

  private WriteFreeze freeze(SetName set) {
    return freezes.computeIfAbsent(Objects.requireNonNull(set, "set"), x -> new WriteFreeze());
  }

  /**
   * Deletes what {@code set} expects and binds, in one atomic write; blobs stay. {@link #freeze}
   * the set first, so that no write into it runs meanwhile.
   *
   * @return the number of distfile names the set had
   */
  public long deleteSet(SetName set) {
    Objects.requireNonNull(set, "set");
    return guard.call("delete set", () -> committer.submitAlone(b -> records.deleteSet(b, set)));
  }

  // ---- blobs ----

  /**
   * Records a stored blob and indexes every digest of it, atomically. Recording a known blob
   * again adds new digests, keeps the first storage time and the latest verification time.
   *
   * @return the record as stored
   * @throws IllegalArgumentException when it conflicts with the stored record (size or a digest)
   */
  public BlobRecord putBlob(BlobRecord blob) {
    return putBlobs(List.of(blob)).get(0);
  }

  /**
   * Records several stored blobs in one synced write (one disk flush for the blobs of many
   * concurrent uploads), each as {@link #putBlob} records it; if one conflicts, none is written.
   *
   * @return the records as stored, in the order given
   * @throws IllegalArgumentException naming the first blob that conflicts with its stored record
   */
  public List<BlobRecord> putBlobs(List<BlobRecord> blobs) {
    List<BlobRecord> copy = List.copyOf(blobs);
    return guard.call("put blobs", () -> committer.submit(b -> records.putBlobs(b, copy)));
  }

  /**
   * Records a stored blob as {@link #putBlob} does, but writes nothing when the stored record
   * already has the blob's size and every digest of it (a duplicate ingest): that record is
   * returned unchanged. The group commit reads the stored record once, for the merge, so a caller
   * needs no read of its own: concurrent records of one blob merge with each other as with
   * {@link #putBlob}.
   *
   * @return the record as stored
   * @throws IllegalArgumentException when it conflicts with the stored record (size or a digest)
   */
  public BlobRecord recordBlob(BlobRecord blob) {
    Objects.requireNonNull(blob, "blob");
    return guard.call("put blobs", () -> committer.submit(b -> records.recordBlob(b, blob)));
  }

  /**
   * Whether a record of the blob may exist: false only when there surely is none, told from memory
   * (memtables and bloom filters) without reading a value, so a check before an upload of a new blob
   * costs no read.
   */
  public boolean mayHaveBlob(Digest sha512) {
    Digest.requireSha512(sha512);
    return guard.call("read blob", () -> records.mayHaveBlob(sha512));
  }

  public Optional<BlobRecord> blob(Digest sha512) {
    Digest.requireSha512(sha512);
    return guard.call("read blob", () -> records.blob(sha512));
  }

  /**
   * The records of the blobs with these SHA-512s, in their order, null where none is recorded: as
   * {@link #blob} per digest, in one multi-get.
   */
  public List<BlobRecord> blobs(List<Digest> sha512s) {
    sha512s.forEach(Digest::requireSha512);
    return guard.call("read blobs", () -> records.blobs(sha512s));
  }

  /**
   * Blobs with this digest, of any algorithm: one, none, or (for a SHA-1 collision) several.
   */
  public List<BlobRecord> blobsByDigest(Digest digest) {
    return guard.call("find blob by digest", () -> records.blobsByDigest(digest));
  }

  /** Whether any variant is bound to the blob with this SHA-512. */
  public boolean isBound(Digest sha512) {
    Digest.requireSha512(sha512);
    return guard.call("is bound", () -> records.isBound(sha512));
  }

  /** Up to {@code limit} blob records in SHA-512 order, after {@code after} if given. */
  public List<BlobRecord> listBlobs(Optional<Digest> after, int limit) {
    checkLimit(limit);
    after.ifPresent(Digest::requireSha512);
    return guard.call("list blobs", () -> records.listBlobs(after, limit));
  }

  /** Notes that a blob was re-hashed and found intact; false when the blob is unknown. */
  public boolean markVerified(Digest sha512, Instant when) {
    Digest.requireSha512(sha512);
    return guard.call("mark verified", () -> committer.submit(b -> records.markVerified(b, sha512, when)));
  }

  /**
   * Forgets a blob (e.g. scrub found it corrupt): drops its record and digest-index entries and
   * unbinds every variant bound to it, in one atomic write. Unknown blobs are ignored.
   *
   * @return the variants that were unbound
   */
  public List<VariantRef> removeBlob(Digest sha512) {
    return removeBlob(sha512, set -> false);
  }

  /**
   * Forgets a blob as {@link #removeBlob(Digest)} does, but the variants of the sets that {@code
   * keepBindings} names stay bound to it (sealed sets, whose bindings must stay what their seals
   * describe: a request for one of them is then a miss saying the blob is missing).
   *
   * @return the variants that were unbound
   */
  public List<VariantRef> removeBlob(Digest sha512, Predicate<SetName> keepBindings) {
    Digest.requireSha512(sha512);
    Objects.requireNonNull(keepBindings, "keepBindings");
    return guard.call("remove blob",
        () -> committer.submitAlone(b -> records.removeBlob(b, sha512, keepBindings)));
  }

  /**
   * Drops the record of a blob that no variant of any set binds (garbage collection), in a write
   * of its own: a bind is either before it (then nothing is dropped) or after it (then the bind
   * finds no blob and fails). Call it before deleting the file, so that a record never outlives
   * its file.
   *
   * @return whether the record was dropped; false when unknown or bound
   */
  public boolean collectBlob(Digest sha512) {
    Digest.requireSha512(sha512);
    return guard.call("collect blob", () -> committer.submitAlone(b -> records.collectBlob(b, sha512)));
  }

  // ---- counts ----

  /**
   * Current counts. Maintained in memory and in the catalog with every write (in the same
   * batch), so reading them costs no I/O: fit for a metrics gauge.
   */
  public StoreStats stats() {
    return guard.call("stats", records::stats);
  }

  /** Recomputes the counts with a full scan, stores and returns them (for checks and repair). */
  public StoreStats recount() {
    return guard.call("recount", () -> committer.submitAlone(records::recount));
  }

  // ---- logs ----

  /**
   * Appends an entry to a log and returns its cursor once the entry is durable (synced WAL).
   * Concurrent appends share one fsync (group commit); cursors increase without holes and an
   * entry is never visible before one with a smaller cursor.
   *
   * @throws IllegalArgumentException when the payload is larger than 1 MiB
   * @throws CatalogException when the write failed; then the entry was not stored
   */
  public long append(LogKind kind, byte[] payload) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    return guard.call("append", () -> committer.append(kind, payload));
  }

  /**
   * Appends entries to a log in one write and returns their cursors (consecutive, in order) once
   * all are durable; a writer that gathers entries itself (e.g. a flood of violations) makes one
   * group commit of them. All or none are stored.
   *
   * @throws IllegalArgumentException when a payload is larger than 1 MiB; nothing is stored
   * @throws CatalogException when the write failed; then no entry was stored
   */
  public long[] appendAll(LogKind kind, List<byte[]> payloads) {
    Objects.requireNonNull(kind, "kind");
    List<byte[]> copy = List.copyOf(payloads);
    return guard.call("append", () -> committer.appendAll(kind, copy));
  }

  /**
   * Writes log entries under the cursors they had (rebuilding a log from a copy), in one synced
   * batch. Cursors must increase and be above the log's last.
   *
   * @throws IllegalArgumentException when a cursor is not above the one before; nothing is written
   */
  public void importLog(LogKind kind, List<LogEntry> entries) {
    Objects.requireNonNull(kind, "kind");
    List<LogEntry> copy = List.copyOf(entries);
    guard.call("import log", () -> committer.submit(b -> {
      for (LogEntry e : copy) {
        b.appendAt(kind, e.cursor(), e.appendedAt(), e.payload());
      }
      return null;
    }));
  }

  /** Appends {@code value} encoded as JSON (UTF-8); see {@link #append}. */
  public long appendJson(LogKind kind, Object value) {
    return append(kind, Codec.write(value));
  }

  /**
   * Sets the listener told of each group of a log's entries once they are durable, before their
   * {@link #append} calls return (replacing any earlier listener of that log; null removes it).
   * Entries of a group arrive in one call, in cursor order; a listener that throws is logged and
   * fails no append.
   */
  public void onCommitted(LogKind kind, LogListener listener) {
    Objects.requireNonNull(kind, "kind");
    guard.call("listen", () -> {
      committer.listen(kind, listener);
      return null;
    });
  }

  /** Up to {@code limit} entries with a cursor greater than {@code afterCursor}, oldest first. */
  public List<LogEntry> read(LogKind kind, long afterCursor, int limit) {
    Objects.requireNonNull(kind, "kind");
    checkLimit(limit);
    if (afterCursor < 0) {
      throw new IllegalArgumentException("cursor must not be negative, got " + afterCursor);
    }
    return guard.call("read log", () -> logs.read(kind, afterCursor, limit));
  }

  /** The cursor of the newest entry of a log, 0 when it is empty. */
  public long lastCursor(LogKind kind) {
    return guard.call("last cursor", () -> committer.lastCursor(kind));
  }

  /** The one writer, for this package's tests. */
  GroupCommitter committer() {
    return committer;
  }

  /** The records' mutations, for this package's tests that run them in a write of their own. */
  Records records() {
    return records;
  }

  /** Synced batches written since open (for measuring group commit). */
  long groups() {
    return guard.call("groups", committer::groups);
  }

  // ---- state ----

  /** Stores a state value (e.g. the mode or the seal) durably. */
  public void putState(String key, byte[] value) {
    byte[] k = Codec.utf8(Objects.requireNonNull(key, "key"));
    byte[] v = Objects.requireNonNull(value, "value").clone();
    guard.call("put state " + key, () -> committer.submit(b -> {
      b.put(store.state, k, v);
      return null;
    }));
  }

  /** Stores {@code value} as JSON; see {@link #putState}. */
  public void putStateJson(String key, Object value) {
    putState(key, Codec.write(value));
  }

  public Optional<byte[]> state(String key) {
    byte[] k = Codec.utf8(Objects.requireNonNull(key, "key"));
    return guard.call("read state " + key, () -> Optional.ofNullable(store.db.get(store.state, k)));
  }

  /** Reads a state value stored as JSON. */
  public <T> Optional<T> stateJson(String key, Class<T> type) {
    return state(key).map(v -> Codec.read(v, type, "state " + key));
  }

  // ---- lifecycle ----

  /**
   * Writes a consistent point-in-time copy of the catalog into {@code to} (which must not exist):
   * a RocksDB checkpoint, with table files hard-linked where the file system allows. Every write
   * that returned before this call is in it, no write is in it partly; the copy opens with {@link
   * #open} as a catalog of its own. Concurrent writes keep going.
   */
  public void checkpoint(Path to) {
    Objects.requireNonNull(to, "to");
    guard.call("checkpoint", () -> {
      store.checkpoint(to.toAbsolutePath().normalize());
      return null;
    });
  }

  /**
   * Waits for calls in flight, stops the log committer and closes RocksDB. Idempotent; later
   * calls of any other method throw {@link IllegalStateException}.
   */
  @Override
  public void close() {
    guard.close(() -> {
      store.close();
    });
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("page limit must be 1.." + MAX_PAGE + ", got " + limit);
    }
  }
}
