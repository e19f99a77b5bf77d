package org.distvault.storage.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.blob.BlobStore;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.blob.Scrubber;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory: the content-addressed blob files under {@code DATA/blobs/} and the catalog
 * under {@code DATA/index/}, kept in agreement.
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

  private final BlobStore blobs;
  private final Catalog catalog;
  private final Clock clock;
  private final RecoveryReport recovery;
  private final LocateCache located;

  private Vault(BlobStore blobs, Catalog catalog, Clock clock) throws IOException {
    this.blobs = blobs;
    this.catalog = catalog;
    this.clock = clock;
    this.located = new LocateCache(catalog::generation, LocateCache.MAX_ENTRIES);
    this.recovery = new Reconciler(blobs, catalog, clock).reconcile();
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
    BlobStore blobs = BlobStore.open(dataDir, options);
    Catalog catalog = null;
    try {
      catalog = Catalog.open(blobs.dataDir().resolve("index"), options.clock());
      return new Vault(blobs, catalog, options.clock());
    } catch (IOException | RuntimeException e) {
      if (catalog != null) {
        catalog.close();
      }
      blobs.close();
      throw e;
    }
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return blobs.dataDir();
  }

  /** The blob files. Prefer {@link #ingest} and {@link #newWriter}, which also record. */
  public BlobStore blobs() {
    return blobs;
  }

  public Catalog catalog() {
    return catalog;
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

  /** Records a stored blob; an existing record (a duplicate ingest) keeps its first time. */
  BlobRecord record(StoredBlob blob) {
    Optional<BlobRecord> existing = catalog.blob(blob.sha512());
    if (existing.isPresent() && existing.get().digests().algorithms().containsAll(blob.digests().algorithms())) {
      return existing.get();
    }
    BlobRecord fresh = BlobRecord.stored(blob.digests(), blob.size(), clock.instant());
    BlobRecord merged =
        existing
            .map(old -> new BlobRecord(old.sha512(), old.size(), old.digests().merge(blob.digests()),
                old.storedAt(), fresh.lastVerifiedAt()))
            .orElse(fresh);
    return catalog.putBlob(merged);
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
    return new Located(r, blob, blob.map(b -> blobs.layout().path(b.sha512())));
  }

  /** The blob with this digest of any algorithm, if held. */
  public Optional<BlobRecord> findByDigest(Digest digest) {
    return catalog.blobsByDigest(digest).stream().findFirst();
  }

  /**
   * Re-hashes every blob file; each corrupt one is quarantined, dropped from the catalog, and
   * the names bound to it are unbound (so it is never served again and a later prefetch fetches
   * it anew).
   */
  public ScrubReport scrub() throws IOException {
    ScrubReport report =
        new Scrubber(blobs)
            .scrub(
                corrupt ->
                    corrupt
                        .expected()
                        .ifPresent(
                            sha512 -> {
                              log.warn("scrub: blob {} is corrupt ({}), dropped from the catalog",
                                  sha512.hex(), corrupt.reason());
                              catalog.removeBlob(sha512);
                            }));
    return report;
  }

  @Override
  public void close() throws IOException {
    try {
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
      vault.record(blob);
      return blob;
    }

    /** Discards the content unless committed. */
    @Override
    public void close() throws IOException {
      writer.close();
    }
  }
}
