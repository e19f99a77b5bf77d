package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bucket directories under {@link BlobLayout#root()} known to be durably linked (their own
 * names fsynced in their parents, up to the root), so that a publish fsyncs the chain above a
 * bucket only the first time the store sees that bucket, not for every blob.
 *
 * <p>A directory enters the set only after the fsyncs that make it durable have returned; a
 * publisher that finds a bucket not yet in the set (perhaps just made by a concurrent ingest)
 * fsyncs the chain itself. The store never removes buckets, so membership never goes stale. The
 * root itself is durable from {@link BlobStore#open} on. Thread-safe.
 */
final class DurableDirs {
  /** Forces a directory's entries to disk; {@link Fsync#directory} outside of tests. */
  interface DirectorySync {
    void sync(Path dir) throws IOException;
  }

  private final Path root;
  private final DirectorySync sync;
  private final Set<Path> durable = ConcurrentHashMap.newKeySet();

  DurableDirs(Path root, DirectorySync sync) {
    this.root = root;
    this.sync = sync;
  }

  /**
   * Makes a name just renamed into {@code bucket} durable: fsyncs the bucket, then each directory
   * above it whose link is not known durable yet.
   */
  void renamedInto(Path bucket) throws IOException {
    sync.sync(bucket);
    link(bucket);
  }

  /** Makes {@code dir}'s own name durable in its parent, and so on up to the root. */
  private void link(Path dir) throws IOException {
    if (dir.equals(root) || durable.contains(dir)) {
      return;
    }
    if (!dir.startsWith(root)) {
      throw new IllegalArgumentException(dir + " is not under the blob root " + root);
    }
    Path parent = dir.getParent();
    sync.sync(parent);
    link(parent);
    durable.add(dir);
  }
}
