package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.file.Path;
import org.distvault.storage.digest.Digests;

/**
 * The last step of {@link BlobWriter#commit()}: makes verified bytes a blob where a backend keeps
 * its blobs ({@link BlobStore} renames them into {@code DATA/blobs/}; a remote backend uploads
 * them).
 */
@FunctionalInterface
public interface BlobPublisher {
  /**
   * Publishes {@code verified}: a read-only, fsynced temp file whose size and digests were
   * checked against the expectation. The publisher owns the file from here on: it moves it into
   * place or deletes it, on failure too (the writer deletes what is left at the temp path).
   *
   * @param digests every digest computed; always holds SHA-512
   */
  StoredBlob publish(Path verified, long size, Digests digests) throws IOException;
}
