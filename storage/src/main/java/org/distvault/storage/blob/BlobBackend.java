package org.distvault.storage.blob;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.SetName;

/**
 * Where the bytes of verified blobs live, each named by the SHA-512 of its content. Bytes become a
 * blob only after they were hashed and checked against what was expected ({@link
 * BlobWriter#commit}); a blob is read-only afterwards and leaves only through {@link #delete}.
 *
 * <p>{@link BlobStore} keeps the {@code DATA/blobs/sha512/ab/cd/<hex>} files; {@code
 * org.distvault.storage.s3.S3BlobBackend} keeps objects in an S3-compatible bucket. Serving needs a
 * local file ({@link #file}) so that hits stay zero-copy; a remote backend answers it from a local
 * cache tier, and throws {@link BackendUnavailableException} when its store cannot be reached.
 * Implementations are safe for concurrent use.
 */
public interface BlobBackend extends Closeable {
  /** Starts putting a blob: commit the writer to verify and store it, close it to discard. */
  BlobWriter newWriter(Expectation expected) throws IOException;

  /**
   * Streams {@code in} to its end into a verified blob, through {@link #newWriter}: reads at most
   * one byte past the size limit (the expected size, else the backend's maximum), so an endless
   * body cannot fill the disk. Does not close {@code in}. See {@link BlobWriter#commit} for the
   * verification failures ({@code SizeMismatchException}, {@code DigestMismatchException} naming
   * the first algorithm whose digest differs, {@link BlobTooLargeException}); a remote backend
   * also throws {@link BackendUnavailableException} when the upload fails.
   */
  default StoredBlob ingest(InputStream in, Expectation expected) throws IOException {
    try (BlobWriter w = newWriter(expected)) {
      w.readFrom(in);
      return w.commit();
    }
  }

  /** A local file that holds exactly the blob's bytes, for serving; empty when it is not held. */
  Optional<Path> file(Digest sha512);

  /**
   * {@link #file}, but only when the file is already local: never fetches or fills anything and
   * never blocks on the network, so an HTTP I/O thread may ask. Empty when the file would first
   * have to be fetched (then ask {@link #file}).
   */
  default Optional<Path> fileIfLocal(Digest sha512) {
    return Optional.empty();
  }

  /** The blob's size in bytes, empty when it is not held. */
  default OptionalLong size(Digest sha512) throws IOException {
    Optional<Path> file = file(sha512);
    return file.isPresent() ? OptionalLong.of(Files.size(file.get())) : OptionalLong.empty();
  }

  /**
   * Whether the blobs are this store's own, so that a garbage collection may count and delete the
   * ones its catalog does not record; false for a read-only view of another store's blobs (a
   * replica's bucket, whose other objects belong to the primary).
   */
  default boolean ownsBlobs() {
    return true;
  }

  /** Whether the blob is held. */
  boolean contains(Digest sha512);

  /** Up to {@code limit} held blobs in SHA-512 byte order, after {@code after} if given. */
  List<Digest> list(Optional<Digest> after, int limit) throws IOException;

  /**
   * Takes a blob out of service, kept aside with {@code reason} for inspection.
   *
   * @return where it was put aside, or empty when it was not held
   */
  Optional<Path> delete(Digest sha512, String reason) throws IOException;

  /**
   * Drops a local copy of the blob that was found not to hold its bytes (e.g. while serving it),
   * when the backend keeps the blob elsewhere too: a remote backend's cache tier file, filled again
   * (verified) by the next {@link #file}. The blob itself stays in service.
   *
   * @return false when the local file is the blob itself (then {@link #delete} it), as for the
   *     local store
   */
  default boolean dropCopy(Digest sha512, String reason) throws IOException {
    return false;
  }

  /**
   * Re-hashes every blob; each one whose bytes do not match its name is deleted (put aside) and
   * then handed to {@code onCorrupt}.
   */
  ScrubReport verify(Consumer<CorruptBlob> onCorrupt) throws IOException;

  /**
   * For a recovery of a lost catalog: reads every blob back and hashes it with every algorithm
   * (streamed), hands each one whose bytes match its name to {@code found} (its path is where it
   * lives, for messages), and deletes (puts aside) each one that does not, as {@link #verify} does,
   * handing it to {@code onCorrupt}. Both are called on the caller's thread. The local store's
   * blobs are recovered by the start-up reconciliation instead, so it does not offer this.
   *
   * @throws UnsupportedOperationException when the backend does not offer it
   */
  default ScrubReport rehashAll(Consumer<StoredBlob> found, Consumer<CorruptBlob> onCorrupt) throws IOException {
    throw new UnsupportedOperationException(location() + " offers no recovery by re-hashing");
  }

  /**
   * For a recovery whose seal listing is lost from the data directory: the listing of the seal
   * {@code digest} of {@code set} as published beside the blobs ({@code SealListing} format,
   * gzipped JSON lines), when the backend keeps published seals and its pointer names that seal.
   */
  default Optional<byte[]> publishedListing(SetName set, String digest) {
    return Optional.empty();
  }

  /**
   * How many blobs were deleted since the backend was opened. A blob is only ever replaced after a
   * delete, so a reader that keeps blob files open may use them while this count is unchanged.
   */
  long deleted();

  /** The largest blob accepted, in bytes. */
  long maxBlobSize();

  /**
   * Sets who is told of each blob an ingest publishes (stored anew or already held), before it is
   * stored, under the same per-blob lock as {@link #collect}: the garbage collection's guard
   * against deleting what an ingest is storing.
   */
  void onPublished(Consumer<Digest> listener);

  /**
   * Deletes a garbage blob for good if {@code forget} (which drops its catalog record) agrees, both
   * under the blob's lock, so that no ingest of the same content publishes in between: an ingest
   * either comes first (and {@code forget} can see it) or stores the blob anew after it.
   *
   * @return whether the blob was collected
   */
  boolean collect(Digest sha512, BooleanSupplier forget) throws IOException;

  /** Where the blobs live, for messages and manifests: a directory, or {@code s3://bucket/prefix}. */
  String location();
}
