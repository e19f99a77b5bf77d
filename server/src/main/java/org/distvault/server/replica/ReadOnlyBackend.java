package org.distvault.server.replica;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.BlobWriter;
import org.distvault.storage.blob.CorruptBlob;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.digest.Digest;

/**
 * A replica's view of the primary's bucket: blobs are read (through the cache tier, which may drop
 * and refill its own copies), never written, deleted or collected, so that no replica can take a
 * blob away from the primary or the other replicas. Thread-safe; closing it closes the backend.
 */
public final class ReadOnlyBackend implements BlobBackend {
  private final BlobBackend backend;

  public ReadOnlyBackend(BlobBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  private static ReadOnlyException refused(String what) {
    return new ReadOnlyException("a replica " + what + ": the bucket is the primary's");
  }

  @Override
  public BlobWriter newWriter(Expectation expected) {
    throw refused("stores no blob");
  }

  @Override
  public Optional<Path> file(Digest sha512) {
    return backend.file(sha512);
  }

  @Override
  public Optional<Path> fileIfLocal(Digest sha512) {
    return backend.fileIfLocal(sha512);
  }

  @Override
  public boolean contains(Digest sha512) {
    return backend.contains(sha512);
  }

  @Override
  public List<Digest> list(Optional<Digest> after, int limit) throws IOException {
    return backend.list(after, limit);
  }

  @Override
  public OptionalLong size(Digest sha512) throws IOException {
    return backend.size(sha512);
  }

  /** False: the bucket's objects are the primary's, never garbage here. */
  @Override
  public boolean ownsBlobs() {
    return false;
  }

  @Override
  public Optional<Path> delete(Digest sha512, String reason) {
    throw refused("deletes no blob");
  }

  @Override
  public boolean dropCopy(Digest sha512, String reason) throws IOException {
    return backend.dropCopy(sha512, reason);
  }

  @Override
  public ScrubReport verify(Consumer<CorruptBlob> onCorrupt) {
    throw refused("scrubs no bucket");
  }

  @Override
  public long deleted() {
    return backend.deleted();
  }

  @Override
  public long maxBlobSize() {
    return backend.maxBlobSize();
  }

  @Override
  public void onPublished(Consumer<Digest> listener) {
    backend.onPublished(listener);
  }

  @Override
  public boolean collect(Digest sha512, BooleanSupplier forget) {
    throw refused("collects no blob");
  }

  @Override
  public String location() {
    return backend.location();
  }

  @Override
  public void close() throws IOException {
    backend.close();
  }
}
