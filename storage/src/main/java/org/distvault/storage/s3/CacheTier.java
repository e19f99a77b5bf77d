package org.distvault.storage.s3;

import java.io.Closeable;
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
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.distvault.storage.blob.BlobLayout;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoreRecovery;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded set of verified blob files on local disk in front of a remote backend, least recently
 * used first out: {@code DIR/blobs/sha512/ab/cd/<hex>} as in a data directory, so that a hit is a
 * local file served zero-copy and costs no remote request.
 *
 * <p>A file enters only through {@link #newWriter}: hashed while written to {@code DIR/tmp/},
 * verified, fsynced, then renamed into place; the published files never exceed {@link
 * #maxBytes()} (temp files of fills in progress come on top). Eviction unlinks the least recently
 * used file: on Linux a reader that already opened it keeps reading the same bytes, so eviction
 * never breaks a transfer in progress. A path handed out by {@link #file} may however be evicted
 * before its caller opens it, if the tier cycles through its whole size in between; the caller
 * then sees {@code NoSuchFileException} and asks again.
 *
 * <p>At start the files already there are taken in, oldest first by modification time (they were
 * verified when they entered; nothing unverified is ever renamed into place), and {@code DIR/tmp/}
 * is emptied. One process per directory ({@code DIR/.lock}). Thread-safe.
 */
public final class CacheTier implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(CacheTier.class);

  /** Runs on a verified file before it enters the tier (an upload); throwing keeps it out. */
  @FunctionalInterface
  public interface BeforeAdmit {
    void accept(Path verified, long size, Digests digests) throws IOException;
  }

  private final Path dir;
  private final BlobLayout layout;
  private final Path tmp;
  private final long maxBytes;
  private final BlobStoreOptions blobOptions;
  private final FileChannel lockChannel;
  private final ExecutorService digestThreads;
  /** Blob -> its file, in access order (least recent first). Guarded by this. */
  private final LinkedHashMap<Digest, Held> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;
  private long hits;
  private long misses;
  private long evictions;

  private CacheTier(
      Path dir, long maxBytes, BlobStoreOptions blobOptions, FileChannel lockChannel) {
    this.dir = dir;
    this.layout = BlobLayout.of(dir);
    this.tmp = dir.resolve("tmp");
    this.maxBytes = maxBytes;
    this.blobOptions = blobOptions.withMaxBlobSize(Math.min(blobOptions.maxBlobSize(), maxBytes));
    this.lockChannel = lockChannel;
    AtomicInteger n = new AtomicInteger();
    this.digestThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "tier-digest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens (creating if needed) the tier in {@code dir}, holding at most {@code maxBytes} of blob
   * files; a blob larger than that cannot enter.
   *
   * @throws IOException if another process holds the directory
   */
  public static CacheTier open(Path dir, long maxBytes, BlobStoreOptions blobOptions)
      throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("cache size must be positive: " + maxBytes);
    }
    Objects.requireNonNull(blobOptions, "blobOptions");
    Path d = dir.toAbsolutePath().normalize();
    Files.createDirectories(BlobLayout.of(d).root());
    Files.createDirectories(d.resolve("tmp"));
    FileChannel lock =
        FileChannel.open(d.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock held = lock.tryLock();
      if (held == null) {
        throw new IOException("cache directory " + d + " is in use by another process");
      }
      StoreRecovery.cleanTmp(d.resolve("tmp"));
      CacheTier tier = new CacheTier(d, maxBytes, blobOptions, lock);
      tier.takeInExisting();
      return tier;
    } catch (OverlappingFileLockException e) {
      lock.close();
      throw new IOException("cache directory " + d + " is already open in this process", e);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** A file the tier holds: its path made once, so that a hit builds none. */
  private record Held(Path file, long size) {}

  /**
   * The local file of the blob, if the tier holds it and the file is there; marks it recently
   * used. A file removed behind the tier's back is forgotten here, and the caller fills it again.
   */
  public Optional<Path> file(Digest sha512) {
    synchronized (this) {
      Held held = entries.get(sha512);
      if (held == null) {
        misses++;
        return Optional.empty();
      }
      // Under the lock, so that no fill of the same blob re-admits it between the look and the
      // removal (the worker path; hits from memory use peek).
      if (!Files.isRegularFile(held.file(), LinkOption.NOFOLLOW_LINKS)) {
        bytes -= entries.remove(sha512).size();
        misses++;
        return Optional.empty();
      }
      hits++;
      return Optional.of(held.file());
    }
  }

  /**
   * The local file of the blob if the tier's books hold it, counted as a hit and marked recently
   * used; empty, and counted as nothing, when they do not (the caller goes on to {@link #file},
   * which counts the miss once). Makes no system call, for the hit path of an I/O thread: the
   * caller opens or stats the file anyway, and one that finds it gone (evicted since, or removed
   * behind the tier's back) asks {@link #file}, which looks and fills it again.
   */
  public Optional<Path> peek(Digest sha512) {
    Held held;
    synchronized (this) {
      held = entries.get(sha512);
      if (held == null) {
        return Optional.empty();
      }
      hits++;
    }
    return Optional.of(held.file());
  }

  /** Whether the tier holds the blob (does not count as a use). */
  public synchronized boolean contains(Digest sha512) {
    return entries.containsKey(sha512);
  }

  /**
   * Starts writing a blob into the tier: the commit verifies it against {@code expected}, runs
   * {@code first} on the verified file (e.g. the upload to the bucket), and only if that returns
   * renames the file into the tier. Closing without a commit discards it.
   */
  public BlobWriter newWriter(Expectation expected, BeforeAdmit first) throws IOException {
    Objects.requireNonNull(first, "first");
    return BlobWriter.open(tmp, expected, blobOptions, digestThreads, (temp, size, digests) -> {
      first.accept(temp, size, digests);
      return admit(temp, size, digests);
    });
  }

  /** Drops the blob's file, if held (e.g. when the blob itself is deleted). */
  public void evict(Digest sha512) throws IOException {
    synchronized (this) {
      Held held = entries.remove(sha512);
      if (held == null) {
        return;
      }
      bytes -= held.size();
      evictions++;
      Files.deleteIfExists(held.file());
    }
  }

  /** The bound on the published files, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** The largest blob accepted: the blob options' limit, at most the tier's size. */
  public long maxBlobSize() {
    return blobOptions.maxBlobSize();
  }

  /** Bytes of the files held now. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Number of blobs held now. */
  public synchronized int count() {
    return entries.size();
  }

  /** Lookups answered with a file since open. */
  public synchronized long hits() {
    return hits;
  }

  /** Lookups that found nothing since open. */
  public synchronized long misses() {
    return misses;
  }

  /** Files dropped since open, to stay in bounds or on request. */
  public synchronized long evictions() {
    return evictions;
  }

  /** The directory, absolute. */
  public Path dir() {
    return dir;
  }

  /** Releases the directory lock and the digest workers; the files stay for the next open. */
  @Override
  public void close() throws IOException {
    digestThreads.shutdownNow();
    lockChannel.close();
  }

  /** Renames a verified temp file into the tier and evicts what no longer fits. */
  private StoredBlob admit(Path temp, long size, Digests digests) throws IOException {
    Digest sha512 = digests.get(DigestAlgorithm.SHA512).orElseThrow();
    Path target = layout.path(sha512);
    synchronized (this) {
      Files.createDirectories(target.getParent());
      // Same name, same verified bytes: replacing a file another fill just put there is harmless,
      // and a reader of the old one keeps it.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      Held old = entries.put(sha512, new Held(target, size));
      bytes += size - (old == null ? 0 : old.size());
      evictBeyondBound();
    }
    return new StoredBlob(sha512, size, digests, target);
  }

  /** Unlinks least recently used files until the rest fit; the newest entry always fits. */
  private void evictBeyondBound() throws IOException {
    Iterator<Map.Entry<Digest, Held>> it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Digest, Held> eldest = it.next();
      it.remove();
      bytes -= eldest.getValue().size();
      evictions++;
      Files.deleteIfExists(eldest.getValue().file());
      log.debug("cache tier evicted {} ({} bytes)", eldest.getKey().hex(), eldest.getValue().size());
    }
  }

  private record Found(Digest sha512, Path file, long size, long modified) {}

  private synchronized void takeInExisting() throws IOException {
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(layout.root(), 3)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Optional<Digest> d = layout.digestAt(f);
        if (d.isEmpty()) {
          continue;
        }
        try {
          BasicFileAttributes a =
              Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()) {
            found.add(new Found(d.get(), f, a.size(), a.lastModifiedTime().toMillis()));
          }
        } catch (NoSuchFileException e) {
          // gone since the walk saw it: nothing to take in
        }
      }
    }
    found.sort(Comparator.comparingLong(Found::modified));
    for (Found f : found) {
      entries.put(f.sha512(), new Held(f.file(), f.size()));
      bytes += f.size();
    }
    evictBeyondBound();
    log.info("cache tier {}: {} blobs, {} bytes of at most {}", dir, entries.size(), bytes,
        maxBytes);
  }
}
