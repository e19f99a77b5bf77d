package org.distvault.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.MultiDigester;

/**
 * Memory copies of small blobs, bounded in bytes: a hit on one is sent from a direct buffer in the
 * gathering write that carries the headers, with no {@code pread} of its file.
 *
 * <p>Only verified bytes are kept: a copy is read from the blob's file and hashed, and kept only
 * when it hashes to the blob's SHA-512 (see {@link #fill}). A copy is used only while the file
 * still has the {@link VerifiedFiles.Identity identity} it had when the copy was read (the caller
 * {@code stat}s the file on every request anyway): a file written since, even with the same bytes,
 * is served from disk again, verified as {@link BlobResponder} does for any file, so a changed
 * file is refused on the next request exactly as without copies.
 *
 * <p>Blobs of at most {@link #MAX_BLOB_BYTES} are kept, {@link #DEFAULT_BUDGET_BYTES} in all by
 * default; when a copy does not fit, arbitrary others are dropped to make room (the ones served
 * again are copied again on their next request). Thread-safe.
 */
final class HotBlobs {
  /** Largest blob copied: the hits answered whole on an I/O thread (see {@link FileTransfer#HEAD_BYTES}). */
  static final int MAX_BLOB_BYTES = FileTransfer.HEAD_BYTES;

  /** Bytes of copies kept by default. */
  static final long DEFAULT_BUDGET_BYTES = 64L << 20;

  /** A verified copy and the identity of the file it was read from. */
  private record Copy(ByteBuffer bytes, VerifiedFiles.Identity file) {}

  private final ConcurrentHashMap<Digest, Copy> copies = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final long budget;

  HotBlobs(long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("negative memory budget " + budgetBytes);
    }
    this.budget = budgetBytes;
  }

  /** Whether a blob of {@code size} bytes may be kept. */
  boolean fits(long size) {
    return size <= MAX_BLOB_BYTES && size <= budget;
  }

  /**
   * The copy of {@code sha512}, read-only and positioned at 0, if one is kept for a file with
   * identity {@code file}.
   */
  Optional<ByteBuffer> get(Digest sha512, VerifiedFiles.Identity file) {
    Copy c = copies.get(sha512);
    if (c == null || !c.file().equals(file)) {
      return Optional.empty();
    }
    return Optional.of(c.bytes().duplicate());
  }

  /**
   * Reads the whole of {@code channel} (a blob file of {@code size} bytes whose identity was
   * {@code file} before the read), hashes what was read, and keeps it as {@code sha512}'s copy if
   * it is exactly that blob.
   *
   * @return the copy (read-only, positioned at 0)
   * @throws CorruptBlobException when the bytes read are not the blob's (the file changed size
   *     or content); nothing is kept then
   */
  ByteBuffer fill(Digest sha512, long size, VerifiedFiles.Identity file, FileChannel channel) throws IOException {
    ByteBuffer read = ByteBuffer.allocateDirect((int) size);
    while (read.hasRemaining()) {
      if (channel.read(read, read.position()) < 0) {
        break;
      }
    }
    long got = read.position();
    read.flip();
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512);
    d.update(read.duplicate());
    VerifiedFiles.check(sha512, d.finish().get(DigestAlgorithm.SHA512).orElseThrow(), got, size);
    ByteBuffer copy = read.asReadOnlyBuffer();
    keep(sha512, new Copy(copy, file));
    return copy.duplicate();
  }

  private void keep(Digest sha512, Copy copy) {
    long size = copy.bytes().capacity();
    makeRoom(size);
    Copy old = copies.put(sha512, copy);
    bytes.addAndGet(size - (old == null ? 0 : old.bytes().capacity()));
  }

  /** Drops copies until {@code size} more bytes fit the budget (or none is left). */
  private void makeRoom(long size) {
    Iterator<Map.Entry<Digest, Copy>> it = copies.entrySet().iterator();
    while (bytes.get() + size > budget && it.hasNext()) {
      Map.Entry<Digest, Copy> e = it.next();
      if (copies.remove(e.getKey(), e.getValue())) {
        bytes.addAndGet(-e.getValue().bytes().capacity());
      }
    }
  }

  /** Bytes of copies kept now. */
  long bytes() {
    return bytes.get();
  }
}
