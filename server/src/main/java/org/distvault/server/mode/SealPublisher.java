package org.distvault.server.mode;

import org.distvault.storage.record.Seal;
import org.distvault.storage.vault.SourceSet;

/**
 * Where a seal goes once it is made, for replicas to follow: nowhere on a store of local blobs, the
 * bucket of an S3 blob store. Implementations are safe for concurrent use.
 */
@FunctionalInterface
public interface SealPublisher {
  /** Publishes nothing. */
  SealPublisher NONE = (set, seal) -> { };

  /**
   * Publishes {@code seal} of the frozen {@code set}; when this throws, the seal is not in force.
   *
   * @throws org.distvault.storage.blob.BackendUnavailableException when the bucket cannot be written
   */
  void publish(SourceSet set, Seal seal);
}
