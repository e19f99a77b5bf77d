package org.distvault.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.storage.digest.Digests;

/**
 * An ingest in progress: bytes written here go to a new temp file in {@code DATA/tmp/} and
 * through every digest; {@link #commit()} publishes them as a verified blob, and {@link #close()}
 * without a commit deletes the temp file.
 *
 * <p>Use it with try-with-resources, so that every failure path cleans up:
 *
 * <pre>{@code
 * try (BlobWriter w = store.newWriter(Expectation.of(size, digests))) {
 *   w.write(buf, off, len);          // as often as needed; too many bytes fail at once
 *   StoredBlob blob = w.commit();    // fsync -> verify -> rename into place -> fsync directories
 * }
 * }</pre>
 *
 * <p>The size limit (the expected size, else the store's maximum) is enforced on every write: the
 * write that would exceed it fails with {@link SizeMismatchException} or {@link
 * BlobTooLargeException} and the temp file is deleted at once. {@link #commit()} fails with {@link
 * SizeMismatchException} or {@link org.distvault.storage.digest.DigestMismatchException} (naming
 * the algorithm, expected and actual) and also deletes the temp file. After any failure the writer
 * is spent.
 *
 * <p><b>Warning:</b> unlike most output streams, {@link #close()} <em>discards</em> what was
 * written unless {@link #commit()} came first; a wrapping stream that closes it therefore aborts
 * the ingest. Not thread-safe: one thread writes (it may hand off hashing to workers internally).
 */
public final class BlobWriter extends OutputStream {
  /**
   * Temp file names: a random part per process and a counter, created with CREATE_NEW (unique by
   * construction; a random UUID per upload took a lock of the shared SecureRandom on every one).
   */
  private static final String TEMP_PREFIX =
      "ingest-" + HexFormat.of().toHexDigits(new SecureRandom().nextLong()) + "-";
  private static final AtomicLong TEMP_COUNTER = new AtomicLong();

  private enum State {
    OPEN,
    COMMITTED,
    FAILED
  }

  private final BlobPublisher publisher;
  private final Expectation expectation;
  private final long limit;
  private final Path temp;
  /** The temp file through the page cache, or null when {@link #direct} writes it. */
  private final FileChannel channel;
  private final DirectOutput direct;
  private final ChunkDigester digester;
  private byte[] chunk;
  private int fill;
  private long flushed;
  private State state = State.OPEN;

  private BlobWriter(
      BlobPublisher publisher, Expectation expectation, long maxBlobSize, Path temp,
      FileChannel channel, DirectOutput direct, ChunkDigester digester) throws IOException {
    this.publisher = publisher;
    this.expectation = expectation;
    this.limit = expectation.size().orElse(maxBlobSize);
    this.temp = temp;
    this.channel = channel;
    this.direct = direct;
    this.digester = digester;
    this.chunk = digester.buffer();
  }

  /**
   * Starts an ingest into a new temp file in {@code tmpDir}; its commit hands the verified file to
   * {@code publisher}. {@link BlobStore#newWriter} is this with the store's own directory and
   * publisher.
   *
   * @param digestThreads runs the digest workers when {@code options} asks for them
   * @throws BlobTooLargeException if the expected size is above {@code options.maxBlobSize()}
   */
  public static BlobWriter open(
      Path tmpDir, Expectation expected, BlobStoreOptions options, Executor digestThreads,
      BlobPublisher publisher) throws IOException {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(publisher, "publisher");
    if (expected.size().isPresent() && expected.size().getAsLong() > options.maxBlobSize()) {
      throw new BlobTooLargeException(options.maxBlobSize(), expected.size().getAsLong());
    }
    Path temp = tmpDir.resolve(TEMP_PREFIX + TEMP_COUNTER.incrementAndGet() + ".part");
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    // A blob that fits in one chunk gains nothing from worker threads, only hand-off costs, and
    // gets a buffer of its own size. A bigger one bypasses the page cache where the file system
    // allows (see DirectOutput for why); then the file is written through that descriptor alone.
    long size = expected.size().orElse(Long.MAX_VALUE);
    boolean small = size <= ChunkDigester.CHUNK_SIZE;
    DirectOutput direct = null;
    ChunkDigester digester = null;
    try {
      if (!small && expected.size().isPresent()) {
        direct = DirectOutput.open(temp);
        if (direct != null) {
          channel.close();
          channel = null;
        }
      }
      digester = small
          ? ChunkDigester.forSmall(expected.algorithmsToCompute(), size)
          : ChunkDigester.create(options.hashing(), expected.algorithmsToCompute(), digestThreads);
      return new BlobWriter(
          publisher, expected, options.maxBlobSize(), temp, channel, direct, digester);
    } catch (IOException | RuntimeException e) {
      if (digester != null) {
        digester.abort();
      }
      if (direct != null) {
        direct.close();
      }
      if (channel != null) {
        channel.close();
      }
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** The path of the temp file being written (it disappears on commit or close). */
  public Path tempFile() {
    return temp;
  }

  /** Bytes accepted so far. */
  public long count() {
    return flushed + fill;
  }

  /** The most bytes this writer accepts: the expected size, else the store's maximum. */
  public long limit() {
    return limit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkOpen();
    if (len > limit - count()) {
      fail(tooMany(count() + len));
    }
    try {
      while (len > 0) {
        int n = Math.min(len, chunk.length - fill);
        System.arraycopy(b, off, chunk, fill, n);
        fill += n;
        off += n;
        len -= n;
        if (fill == chunk.length) {
          flushChunk();
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /**
   * Writes {@code in} to its end, reading at most one byte past {@link #limit()} (so an endless
   * body cannot fill the disk: that byte fails the write). Does not close {@code in} or commit.
   */
  public void readFrom(InputStream in) throws IOException {
    while (readSome(in::read) >= 0) {
      // each call reads straight into the chunk buffer
    }
  }

  /**
   * Reads once from {@code source} straight into the chunk buffer that is hashed and written next
   * (no copy through a buffer of the caller's), asking for at most one byte past {@link #limit()}
   * (that byte fails the write, so an endless body cannot fill the disk). Whatever {@code source}
   * throws spends the writer (the temp file is deleted) and is rethrown as it is, so the caller can
   * tell a broken input from a failed write.
   *
   * @return the bytes read, or -1 at the end of the input
   */
  public int readSome(Source source) throws IOException {
    checkOpen();
    long room = limit - count();
    int space = chunk.length - fill;
    int want = room < space ? (int) room + 1 : space;
    try {
      int n = source.read(chunk, fill, want);
      if (n <= 0) {
        return n;
      }
      if (n > room) {
        throw tooMany(count() + n);
      }
      fill += n;
      if (fill == chunk.length) {
        flushChunk();
      }
      return n;
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e; // not reached: fail always throws
    }
  }

  /** Where {@link #readSome} reads from: {@code InputStream::read}, or a wrapper of it. */
  @FunctionalInterface
  public interface Source {
    /** As {@link InputStream#read(byte[], int, int)}. */
    int read(byte[] b, int off, int len) throws IOException;
  }

  /**
   * Verifies what was written and publishes it as a blob; returns the existing blob when the store
   * already holds this content.
   *
   * @throws SizeMismatchException if fewer bytes than expected were written
   * @throws org.distvault.storage.digest.DigestMismatchException naming the first expected
   *     algorithm whose digest differs
   * @throws IOException if the file cannot be synced or moved; in every case the temp file is gone
   */
  public StoredBlob commit() throws IOException {
    checkOpen();
    try {
      if (fill > 0) {
        flushChunk();
      }
      Digests computed = digester.finish();
      if (expectation.size().isPresent() && flushed != expectation.size().getAsLong()) {
        throw SizeMismatchException.tooShort(expectation.size().getAsLong(), flushed);
      }
      computed.verify(expectation.digests());
      // Verified first, so rejected content never costs a disk flush; the mode change rides along.
      makeReadOnly(temp);
      if (direct != null) {
        direct.finish();
      } else {
        channel.force(true);
        channel.close();
      }
      StoredBlob blob = publisher.publish(temp, flushed, computed);
      state = State.COMMITTED;
      return blob;
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e; // not reached: fail always throws
    }
  }

  /** Discards the ingest unless it was committed: deletes the temp file. Idempotent. */
  @Override
  public void close() throws IOException {
    if (state == State.OPEN) {
      state = State.FAILED;
      cleanUp(null);
    }
  }

  private void flushChunk() throws IOException {
    if (direct != null) {
      direct.write(chunk, fill);
    } else {
      ByteBuffer bb = ByteBuffer.wrap(chunk, 0, fill);
      while (bb.hasRemaining()) {
        channel.write(bb);
      }
    }
    digester.hash(chunk, fill);
    flushed += fill;
    fill = 0;
    chunk = digester.buffer();
  }

  private IOException tooMany(long atLeast) {
    return expectation.size().isPresent()
        ? SizeMismatchException.tooLong(expectation.size().getAsLong(), atLeast)
        : new BlobTooLargeException(limit, atLeast);
  }

  /** Marks the writer spent, removes the temp file and rethrows {@code cause}. */
  private void fail(Exception cause) throws IOException {
    state = State.FAILED;
    cleanUp(cause);
    if (cause instanceof IOException io) {
      throw io;
    }
    throw (RuntimeException) cause;
  }

  /** Stops the digest workers, closes and deletes the temp file; adds close errors to cause. */
  private void cleanUp(Exception cause) throws IOException {
    digester.abort();
    IOException trouble = null;
    try {
      if (direct != null) {
        direct.close();
      } else {
        channel.close();
      }
    } catch (IOException e) {
      trouble = e;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      if (trouble == null) {
        trouble = e;
      } else {
        trouble.addSuppressed(e);
      }
    }
    if (trouble != null) {
      if (cause == null) {
        throw trouble;
      }
      cause.addSuppressed(trouble);
    }
  }

  /** Makes a temp file read-only (0444) before it is published. */
  private static void makeReadOnly(Path p) throws IOException {
    PosixFileAttributeView posix = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    if (posix != null) {
      posix.setPermissions(PosixFilePermissions.fromString("r--r--r--"));
    } else if (!p.toFile().setReadOnly()) {
      throw new FileSystemException(p.toString(), null, "cannot make read-only");
    }
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "BlobWriter used after " + state.name().toLowerCase(Locale.ROOT));
    }
  }
}
