package org.distvault.server.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open files of small blobs, kept open between requests and shared by them.
 *
 * <p>Opening, checking and closing a blob file costs three system calls and a walk of a
 * six-level path, more than reading a small file in the page cache does; a build asks for the
 * same small distfiles (patches, small tarballs) again and again. Blob files never change while
 * they exist, and every read of a shared channel is positional ({@code pread}, {@code sendfile}
 * with an offset), so one channel serves any number of requests at once.
 *
 * <p>Only blobs of at most {@code maxBlobBytes} are kept (larger ones are opened per request: their
 * transfer dwarfs the open), at most {@code maxOpen} of them; when full, an arbitrary one is
 * closed once its last request is done. A kept channel is used only for a blob with the same file,
 * size and storage time as the one it was opened for, and only while the store has moved no file
 * to quarantine since it was opened (the {@code quarantined} count): a blob file is replaced only
 * after such a move, which is rare, and then every file is opened afresh. The catalog is asked
 * first on every request, so a blob dropped from it is never looked for here.
 *
 * <p>Thread-safe. {@link #close} closes every kept channel once the requests using it are done;
 * afterwards nothing is kept.
 */
public final class OpenBlobFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenBlobFiles.class);

  /** Files kept open by default: a generous hot set, far below any file descriptor limit. */
  public static final int DEFAULT_MAX_OPEN = 256;

  private final ConcurrentHashMap<Path, Shared> kept = new ConcurrentHashMap<>();
  private final int maxOpen;
  private final long maxBlobBytes;
  private final LongSupplier quarantined;
  private volatile boolean closed;

  /**
   * Keeps up to {@link #DEFAULT_MAX_OPEN} blobs of at most {@code maxBlobBytes} open.
   *
   * @param quarantined how many blob files the store has moved to quarantine so far
   */
  public OpenBlobFiles(long maxBlobBytes, LongSupplier quarantined) {
    this(DEFAULT_MAX_OPEN, maxBlobBytes, quarantined);
  }

  OpenBlobFiles(int maxOpen, long maxBlobBytes, LongSupplier quarantined) {
    if (maxOpen < 1) {
      throw new IllegalArgumentException("must keep at least one file open, got " + maxOpen);
    }
    this.maxOpen = maxOpen;
    this.maxBlobBytes = maxBlobBytes;
    this.quarantined = Objects.requireNonNull(quarantined, "quarantined");
  }

  /**
   * A channel on {@code blob}'s file: a kept one, or a newly opened one (then kept if the blob is
   * small enough). Close the lease when done with it.
   *
   * @throws IOException if the file cannot be opened or its size is not the blob's size
   */
  public Lease open(ServableBlob blob) throws IOException {
    if (blob.size() > maxBlobBytes || closed) {
      return new Lease(this, openChecked(blob), null);
    }
    // Read before opening: a move while opening leaves the new entry already stale.
    long moves = quarantined.getAsLong();
    Path key = blob.file();
    Shared current = kept.get(key);
    if (current != null) {
      if (current.isFor(blob, moves) && current.retain()) {
        return new Lease(this, current.channel, current);
      }
      drop(key, current);
    }
    Shared fresh = new Shared(key, openChecked(blob), blob.size(), blob.storedAt(), moves);
    fresh.retain(); // the caller's reference, beside the map's
    Shared replaced = kept.put(key, fresh);
    if (replaced != null) {
      replaced.release(); // a request opening the same blob at the same moment: the last one stays
    } else if (kept.size() > maxOpen) {
      evictOtherThan(key);
    }
    if (closed) {
      drop(key, fresh); // closed meanwhile: keep nothing
    }
    return new Lease(this, fresh.channel, fresh);
  }

  /** How many files are kept open now. */
  int keptCount() {
    return kept.size();
  }

  /** Closes every kept file (each once its requests are done); later leases are not kept. */
  @Override
  public void close() {
    closed = true;
    for (Map.Entry<Path, Shared> e : kept.entrySet()) {
      drop(e.getKey(), e.getValue());
    }
  }

  private void drop(Path key, Shared shared) {
    if (kept.remove(key, shared)) {
      shared.release(); // the map's reference
    }
  }

  private void evictOtherThan(Path keep) {
    Iterator<Map.Entry<Path, Shared>> it = kept.entrySet().iterator();
    while (it.hasNext() && kept.size() > maxOpen) {
      Map.Entry<Path, Shared> e = it.next();
      if (!e.getKey().equals(keep)) {
        drop(e.getKey(), e.getValue());
      }
    }
  }

  private static FileChannel openChecked(ServableBlob blob) throws IOException {
    FileChannel file = FileChannel.open(blob.file(), StandardOpenOption.READ);
    try {
      long actual = file.size();
      if (actual != blob.size()) {
        throw new IOException(
            "stored blob " + blob.file() + " has " + actual + " bytes, expected " + blob.size());
      }
      return file;
    } catch (IOException e) {
      file.close();
      throw e;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing a blob file: {}", e.toString());
    }
  }

  /** A kept channel and its references: the map's while kept, and one per lease. */
  private static final class Shared {
    final Path path;
    final FileChannel channel;
    final long size;
    final Instant storedAt;
    final long quarantinedBefore;
    private final AtomicInteger references = new AtomicInteger(1);

    Shared(Path path, FileChannel channel, long size, Instant storedAt, long quarantinedBefore) {
      this.path = path;
      this.channel = channel;
      this.size = size;
      this.storedAt = storedAt;
      this.quarantinedBefore = quarantinedBefore;
    }

    /**
     * Whether this channel may serve {@code blob} now that {@code quarantined} files were moved:
     * the same file version, and not closed under us.
     */
    boolean isFor(ServableBlob blob, long quarantined) {
      // A thread interrupted while reading a FileChannel closes it for every user.
      return quarantinedBefore == quarantined && size == blob.size() && storedAt.equals(blob.storedAt())
          && channel.isOpen();
    }

    /** Takes a reference unless the channel is already closing. */
    boolean retain() {
      for (;;) {
        int n = references.get();
        if (n == 0) {
          return false;
        }
        if (references.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (references.decrementAndGet() == 0) {
        closeQuietly(channel);
      }
    }
  }

  /**
   * One request's use of a blob file. {@link #close} it exactly when the request is done with the
   * channel (more calls do nothing); never close the channel itself.
   */
  public static final class Lease implements AutoCloseable {
    private final OpenBlobFiles owner;
    private final FileChannel channel;
    private final Shared shared;
    private final AtomicBoolean done = new AtomicBoolean();

    private Lease(OpenBlobFiles owner, FileChannel channel, Shared shared) {
      this.owner = owner;
      this.channel = channel;
      this.shared = shared;
    }

    /** The open channel; read it only with explicit positions. */
    public FileChannel channel() {
      return channel;
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        if (shared == null) {
          closeQuietly(channel);
        } else {
          shared.release();
        }
      }
    }

    /**
     * Closes this lease after a failed transfer and stops keeping the file, so the next request
     * opens it afresh (the failure may have been the file's).
     */
    public void discard() {
      if (shared != null) {
        owner.drop(shared.path, shared);
      }
      close();
    }
  }
}
