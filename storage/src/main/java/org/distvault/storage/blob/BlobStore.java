package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed blob store in {@code DATA/}: verified, read-only files named by their
 * SHA-512 (see {@link BlobLayout}), written only through {@link BlobWriter}.
 *
 * <p>Thread-safe. Two ingests of the same content, concurrent or not, end with one blob and both
 * succeed. One process at a time may open a data directory: {@link #open} takes an exclusive lock
 * on {@code DATA/blobs/.lock} and then cleans {@code DATA/tmp/} ({@link StoreRecovery}). The
 * caller closes the store after its last writer is done; closing releases the lock and the digest
 * worker threads.
 */
public final class BlobStore implements BlobBackend {
  private static final Logger log = LoggerFactory.getLogger(BlobStore.class);
  private static final int STRIPES = 64;

  private final Path dataDir;
  private final BlobLayout layout;
  private final Path tmpDir;
  private final Quarantine quarantine;
  private final BlobStoreOptions options;
  private final FileChannel lockChannel;
  private final StoreRecovery.Result recovery;
  private final ExecutorService digestThreads;
  private final DurableDirs durableDirs;
  /** Serialises check-then-rename per SHA-512 (by stripe) so that a duplicate sees the first. */
  private final Object[] stripes = new Object[STRIPES];
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Told of every blob published (stored or deduplicated), under the blob's stripe. */
  private volatile Consumer<Digest> onPublished = d -> { };

  private BlobStore(Path dataDir, BlobStoreOptions options, FileChannel lockChannel)
      throws IOException {
    this.dataDir = dataDir;
    this.layout = BlobLayout.of(dataDir);
    this.tmpDir = dataDir.resolve("tmp");
    this.quarantine = new Quarantine(dataDir, tmpDir, options.clock());
    this.options = options;
    this.lockChannel = lockChannel;
    this.recovery = StoreRecovery.cleanTmp(tmpDir);
    this.digestThreads = Executors.newCachedThreadPool(daemonThreads());
    this.durableDirs = new DurableDirs(layout.root(), Fsync::directory);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
  }

  /** Opens (creating if needed) the store in {@code dataDir} with default options. */
  public static BlobStore open(Path dataDir) throws IOException {
    return open(dataDir, BlobStoreOptions.defaults());
  }

  /**
   * Opens (creating if needed) the store in {@code dataDir}: creates {@code blobs/sha512}, {@code
   * tmp} and {@code quarantine}, locks the directory against other processes and removes every
   * leftover in {@code tmp}.
   *
   * @throws IOException if another process (or another open store in this JVM) holds the lock
   */
  public static BlobStore open(Path dataDir, BlobStoreOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    Path data = dataDir.toAbsolutePath().normalize();
    Path blobs = data.resolve("blobs");
    Files.createDirectories(BlobLayout.of(data).root());
    Files.createDirectories(data.resolve("tmp"));
    Files.createDirectories(data.resolve("quarantine"));
    Fsync.directory(blobs);
    Fsync.directory(data);
    FileChannel lockChannel =
        FileChannel.open(
            blobs.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = lockChannel.tryLock();
      if (lock == null) {
        throw new IOException("blob store " + data + " is in use by another process");
      }
      // The lock lives as long as lockChannel; closing the channel releases it.
      return new BlobStore(data, options, lockChannel);
    } catch (OverlappingFileLockException e) {
      lockChannel.close();
      throw new IOException("blob store " + data + " is already open in this process", e);
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
  }

  /** The data directory ({@code DATA}), absolute. */
  public Path dataDir() {
    return dataDir;
  }

  public BlobLayout layout() {
    return layout;
  }

  public BlobStoreOptions options() {
    return options;
  }

  /** What start-up removed from {@code DATA/tmp/}. */
  public StoreRecovery.Result recovery() {
    return recovery;
  }

  /**
   * Starts an ingest driven by the caller's writes; see {@link BlobWriter}.
   *
   * @throws BlobTooLargeException if the expected size is above the store's limit
   */
  @Override
  public BlobWriter newWriter(Expectation expected) throws IOException {
    checkOpen();
    return BlobWriter.open(tmpDir, expected, options, digestThreads, this::publish);
  }

  @Override
  public boolean contains(Digest sha512) {
    return Files.isRegularFile(layout.path(sha512), LinkOption.NOFOLLOW_LINKS);
  }

  /** The size of the blob with this SHA-512, if stored. */
  public OptionalLong size(Digest sha512) throws IOException {
    BasicFileAttributes attrs = attributesOrNull(layout.path(sha512));
    return attrs == null ? OptionalLong.empty() : OptionalLong.of(attrs.size());
  }

  /**
   * Opens the blob with this SHA-512 for reading (e.g. {@code FileChannel.transferTo} when
   * serving), if stored. The caller closes the channel; it stays readable even if the blob is
   * quarantined meanwhile.
   */
  public Optional<FileChannel> open(Digest sha512) throws IOException {
    try {
      return Optional.of(
          FileChannel.open(
              layout.path(sha512), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Moves the blob with this SHA-512 to {@code DATA/quarantine/<hex>} (a numbered suffix if that
   * name is taken), next to a {@code .reason} text file, so that it is no longer served.
   *
   * @return where the blob went, or empty if it was not stored
   */
  public Optional<Path> quarantine(Digest sha512, String reason) throws IOException {
    checkOpen();
    Path file = layout.path(sha512);
    synchronized (stripe(sha512)) {
      return quarantine.move(file, null, sha512.hex(), reason);
    }
  }

  /**
   * How many blob files were moved to quarantine since the store was opened (by {@link
   * #quarantine}, a scrub, or an ingest replacing a wrong file). A file at a blob's path is
   * replaced only after such a move, so a reader that keeps blob files open may keep using them
   * while this count stays the same.
   */
  public long quarantined() {
    return quarantine.moved();
  }

  @Override
  public long deleted() {
    return quarantined();
  }

  @Override
  public Optional<Path> delete(Digest sha512, String reason) throws IOException {
    return quarantine(sha512, reason);
  }

  @Override
  public Optional<Path> file(Digest sha512) {
    return contains(sha512) ? Optional.of(layout.path(sha512)) : Optional.empty();
  }

  @Override
  public long maxBlobSize() {
    return options.maxBlobSize();
  }

  /** The blob directory, {@code DATA/blobs/sha512}. */
  @Override
  public String location() {
    return layout.root().toString();
  }

  @Override
  public ScrubReport verify(Consumer<CorruptBlob> onCorrupt) throws IOException {
    return new Scrubber(this).scrub(onCorrupt);
  }

  /** Walks the two levels of bucket directories in order, skipping what lies before {@code after}. */
  @Override
  public List<Digest> list(Optional<Digest> after, int limit) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    String from = after.map(d -> Digest.requireSha512(d).hex()).orElse("");
    List<Digest> out = new ArrayList<>();
    for (Path first : sortedBuckets(layout.root(), from.isEmpty() ? "" : from.substring(0, 2))) {
      for (Path second : sortedBuckets(first, from.startsWith(first.getFileName().toString())
          ? from.substring(2, 4) : "")) {
        try (Stream<Path> files = Files.list(second)) {
          for (Path f : files.sorted().toList()) {
            Optional<Digest> d = layout.digestAt(f);
            if (d.isPresent() && d.get().hex().compareTo(from) > 0
                && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
              out.add(d.get());
              if (out.size() == limit) {
                return out;
              }
            }
          }
        } catch (NoSuchFileException e) {
          // a bucket removed meanwhile holds nothing to list
        }
      }
    }
    return out;
  }

  /** The bucket directories in {@code dir} whose names are not before {@code from}, sorted. */
  private static List<Path> sortedBuckets(Path dir, String from) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> BlobLayout.isBucketName(p.getFileName().toString()))
          .filter(p -> p.getFileName().toString().compareTo(from) >= 0)
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** Releases the directory lock and the digest workers. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      digestThreads.shutdown();
      lockChannel.close();
    }
  }

  Quarantine quarantine() {
    return quarantine;
  }

  Object stripe(Digest sha512) {
    return stripes[Math.floorMod(sha512.hashCode(), STRIPES)];
  }

  /**
   * Publishes a verified, fsynced temp file as the blob named by its SHA-512, or deletes it when
   * an equal blob is already stored. Called by {@link BlobWriter#commit()}.
   */
  StoredBlob publish(Path temp, long size, Digests digests) throws IOException {
    checkOpen();
    Digest sha512 = digests.get(DigestAlgorithm.SHA512).orElseThrow();
    Path target = layout.path(sha512);
    synchronized (stripe(sha512)) {
      onPublished.accept(sha512);
      BasicFileAttributes existing = attributesOrNull(target);
      if (existing != null) {
        if (existing.isRegularFile() && existing.size() == size) {
          Files.delete(temp);
          log.debug("ingest of {} deduplicated: already stored", sha512);
          return new StoredBlob(sha512, size, digests, target);
        }
        // The name promises this content; what sits there is not it. Keep it for inspection.
        quarantine.move(
            target, existing.fileKey(), sha512.hex(),
            "replaced by a verified ingest of " + size + " bytes; the stored file had "
                + existing.size() + " bytes"
                + (existing.isRegularFile() ? "" : " and was not a regular file"));
      }
      Path leaf = target.getParent();
      Files.createDirectories(leaf);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      // The bucket, and the chain above it the first time: one directory fsync per blob once the
      // buckets exist, instead of three. The caller records the blob only after this returns.
      durableDirs.renamedInto(leaf);
    }
    return new StoredBlob(sha512, size, digests, target);
  }

  /**
   * Sets who is told of each blob published by an ingest (a new file or a duplicate of a held
   * one), before the file is checked or moved, under the same per-blob lock as {@link #collect}.
   */
  @Override
  public void onPublished(Consumer<Digest> listener) {
    this.onPublished = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Deletes a garbage blob's file, if {@code forget} (which drops its catalog record) agrees, both
   * under the blob's lock, so that no ingest of the same content publishes in between: an ingest
   * either comes first (and {@code forget} can see it) or stores the file anew after it.
   *
   * @return whether the blob was collected
   */
  @Override
  public boolean collect(Digest sha512, BooleanSupplier forget) throws IOException {
    checkOpen();
    Path target = layout.path(sha512);
    synchronized (stripe(sha512)) {
      if (!forget.getAsBoolean()) {
        return false;
      }
      if (Files.deleteIfExists(target)) {
        Fsync.directory(target.getParent());
      }
      return true;
    }
  }

  /** The attributes of {@code p} itself (links not followed), or null if it does not exist. */
  static BasicFileAttributes attributesOrNull(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("blob store " + dataDir + " is closed");
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "blob-digest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
