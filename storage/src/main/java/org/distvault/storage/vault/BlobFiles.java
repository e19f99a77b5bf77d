package org.distvault.storage.vault;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.distvault.storage.blob.BlobBackend;
import org.distvault.storage.blob.BlobLayout;
import org.distvault.storage.digest.Digest;

/**
 * How {@link SourceSet#locate} finds a located blob's file, and whether the answer may be kept in
 * the {@link LocateCache}.
 *
 * <p>A local store's file path follows from the digest (no I/O; a file found gone while serving is
 * a miss), so answers are cached. A remote backend's file is a cache-tier file, filled on demand
 * and evicted at any time: it is asked for on every locate, and nothing is cached.
 *
 * @param where the blob's file, filled if need be; may throw {@link
 *     org.distvault.storage.blob.BackendUnavailableException}
 * @param cached whether answers may be kept in the locate cache
 */
record BlobFiles(Function<Digest, Optional<Path>> where, Caching cached) {
  /** Whether a located file stays valid while the catalog does not change. */
  enum Caching { STABLE, PER_REQUEST }

  BlobFiles {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(cached, "cached");
  }

  static BlobFiles local(BlobLayout layout) {
    return new BlobFiles(d -> Optional.of(layout.path(d)), Caching.STABLE);
  }

  static BlobFiles remote(BlobBackend backend) {
    return new BlobFiles(backend::file, Caching.PER_REQUEST);
  }
}
