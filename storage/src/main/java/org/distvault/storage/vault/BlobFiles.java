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
 * a miss), so whole answers are cached. A remote backend's file is a cache-tier file, filled on
 * demand and evicted at any time: the catalog's part of an answer is cached, and the file is
 * asked for on every locate ({@code where}), or, on a thread that must not block, looked for in
 * the tier only ({@code local}).
 *
 * @param where the blob's file, filled if need be; may throw {@link
 *     org.distvault.storage.blob.BackendUnavailableException}
 * @param local the blob's file if it is local already, without fetching or blocking
 * @param cached whether a located file stays valid while the catalog does not change
 */
record BlobFiles(Function<Digest, Optional<Path>> where, Function<Digest, Optional<Path>> local, Caching cached) {
  /** Whether a located file stays valid while the catalog does not change. */
  enum Caching { STABLE, PER_REQUEST }

  BlobFiles {
    Objects.requireNonNull(where, "where");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(cached, "cached");
  }

  static BlobFiles local(BlobLayout layout) {
    Function<Digest, Optional<Path>> path = d -> Optional.of(layout.path(d));
    return new BlobFiles(path, path, Caching.STABLE);
  }

  static BlobFiles remote(BlobBackend backend) {
    return new BlobFiles(backend::file, backend::fileIfLocal, Caching.PER_REQUEST);
  }
}
