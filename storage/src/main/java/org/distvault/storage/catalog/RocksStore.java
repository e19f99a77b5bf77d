package org.distvault.storage.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open RocksDB instance of a catalog with its column families and options: it owns every
 * native handle and closes them in the safe order (column family handles, database, options).
 *
 * <p>Tuning: a 64 MiB block cache and bloom filters for point lookups (in the memtables of
 * distfile and blob records too); synced WAL for every write; at most {@value #KEEP_INFO_LOGS}
 * info LOG files of up to 8 MiB.
 *
 * <p>Not guarded itself: only {@link Catalog} uses it, and only under its lifecycle guard.
 */
final class RocksStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RocksStore.class);

  /** Info LOG files kept: every open rotates the LOG, so unbounded they pile up. */
  private static final int KEEP_INFO_LOGS = 5;

  private static final long MAX_INFO_LOG_BYTES = 8L << 20;

  /** Block cache shared by all column families: holds a 200k-name catalog's hot blocks. */
  private static final long BLOCK_CACHE_BYTES = 64L << 20;

  /** Bloom filter bits per key: lookups of unknown names (every "unknown" violation) skip SSTs. */
  private static final double BLOOM_BITS_PER_KEY = 10;

  /** Share of a column family's write buffer that its memtable bloom filter takes. */
  private static final double MEMTABLE_BLOOM_RATIO = 0.01;

  private static final List<String> FAMILIES =
      List.of("distfiles", "blobs", "digests", "bindings", "logs", "state", "meta");

  final Path dir;
  final RocksDB db;
  final ColumnFamilyHandle distfiles;
  final ColumnFamilyHandle blobs;
  final ColumnFamilyHandle digests;
  final ColumnFamilyHandle bindings;
  final ColumnFamilyHandle logs;
  final ColumnFamilyHandle state;
  final ColumnFamilyHandle meta;
  private final Natives natives;
  private final List<ColumnFamilyHandle> handles;
  private final WriteOptions synced;

  private RocksStore(Path dir, RocksDB db, Natives natives, List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.db = db;
    this.natives = natives;
    this.handles = handles;
    // handles.get(0) is the default family, which the catalog does not use.
    this.distfiles = handles.get(1);
    this.blobs = handles.get(2);
    this.digests = handles.get(3);
    this.bindings = handles.get(4);
    this.logs = handles.get(5);
    this.state = handles.get(6);
    this.meta = handles.get(7);
    this.synced = new WriteOptions().setSync(true);
  }

  /**
   * Opens (creating if needed) the catalog database in {@code dir}.
   *
   * @throws CatalogLockedException when another process (or this one) has it open
   * @throws CatalogException for any other failure, naming the directory
   */
  static RocksStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CatalogException("cannot create catalog directory " + dir + ": " + e, e);
    }
    RocksDB.loadLibrary();
    Natives natives = new Natives();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, natives.cfOptions));
    for (String f : FAMILIES) {
      boolean pointLookups = f.equals("distfiles") || f.equals("blobs");
      descriptors.add(new ColumnFamilyDescriptor(Codec.utf8(f),
          pointLookups ? natives.pointLookupOptions : natives.cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(natives.dbOptions, dir.toString(), descriptors, handles);
      return new RocksStore(dir, db, natives, handles);
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      natives.close();
      if (isLockError(e)) {
        throw new CatalogLockedException(dir, e);
      }
      throw new CatalogException("cannot open catalog " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The options objects, which must outlive the database and be closed after it. */
  private static final class Natives {
    final DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setKeepLogFileNum(KEEP_INFO_LOGS)
            .setMaxLogFileSize(MAX_INFO_LOG_BYTES)
            .setInfoLogLevel(InfoLogLevel.INFO_LEVEL);
    final Cache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    final Filter bloom = new BloomFilter(BLOOM_BITS_PER_KEY);
    /** The SST settings of every column family: one block cache, one filter policy. */
    final BlockBasedTableConfig tables =
        new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloom);
    final ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setTableFormatConfig(tables);
    /**
     * Distfile and blob records also get a bloom filter in the memtable: a manifest's upsert reads
     * every name of a chunk, nearly all absent, and a miss otherwise searches the memtable (the
     * whole recent manifest); the multi-get of a 10,000-name chunk took half the time with it.
     * Its size, 1% of the 64 MiB write buffer, some 16 bits per key of a 160,000-line manifest.
     */
    final ColumnFamilyOptions pointLookupOptions =
        new ColumnFamilyOptions()
            .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO)
            .setMemtableWholeKeyFiltering(true)
            .setTableFormatConfig(tables);

    void close() {
      pointLookupOptions.close();
      cfOptions.close();
      bloom.close();
      blockCache.close();
      dbOptions.close();
    }
  }

  /**
   * RocksDB reports a held LOCK file as an IOError: "While lock file: …/LOCK: Resource
   * temporarily unavailable" from another process, "lock hold by current process" from this one.
   */
  private static boolean isLockError(RocksDBException e) {
    Status s = e.getStatus();
    String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return (s == null || s.getCode() == Status.Code.IOError) && msg.contains("lock");
  }

  /** Writes a batch with a synced WAL: when this returns the batch survives a crash. */
  void writeSynced(WriteBatch batch) throws RocksDBException {
    db.write(synced, batch);
  }

  /** Writes {@code batch} atomically with a synced WAL. */
  void writeSynced(WriteBatchWithIndex batch) throws RocksDBException {
    db.write(synced, batch);
  }

  /**
   * Writes a consistent copy of the database as of now into {@code to}, which must not exist:
   * RocksDB's own checkpoint (table files hard-linked when {@code to} is on the same file system,
   * copied otherwise; the live write-ahead log copied), openable as a database of its own.
   */
  void checkpoint(Path to) throws RocksDBException {
    try (Checkpoint cp = Checkpoint.create(db)) {
      cp.createCheckpoint(to.toString());
    }
  }

  /** Closes handles, then the database, then the options; call once. */
  @Override
  public void close() {
    // A clean stop leaves the data in table files rather than only in the write-ahead log, so the
    // next start need not replay it.
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, handles);
    } catch (RocksDBException e) {
      log.warn("catalog {}: flush before close failed ({}); the write-ahead log still has everything", dir,
          e.getMessage());
    }
    handles.forEach(ColumnFamilyHandle::close);
    try {
      db.closeE();
    } catch (RocksDBException e) {
      throw new CatalogException("closing catalog " + dir + " failed: " + e.getMessage(), e);
    } finally {
      synced.close();
      natives.close();
    }
  }
}
