package org.distvault.prefetch.deliver;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;

/**
 * The destination of a prefetch run: the cache server, or a directory. Implementations are safe
 * for concurrent use (workers deliver in parallel).
 */
public interface BlobSink {

  /**
   * Which entries the destination already holds with the expected content.
   *
   * @return a set whose bit {@code i} is on when {@code entries.get(i)} is present
   */
  BitSet have(List<ExpectedDistfile> entries) throws IOException;

  /**
   * Delivers a verified blob as the content of {@code entries} (all expecting that content).
   * May move {@code blob.file()} away; the caller deletes it if it is still there.
   */
  void put(VerifiedBlob blob, List<ExpectedDistfile> entries) throws IOException;

  /**
   * Opens a delivery that the caller streams the downloaded body into, when this destination
   * verifies {@code size} and every digest of {@code expected} itself before it stores anything
   * and answers a mismatch; empty when it does not (the caller then spools, verifies and {@link
   * #put}s). {@code expected} holds a SHA-512.
   */
  default Optional<BlobUpload> stream(long size, Digests expected, List<ExpectedDistfile> entries) {
    return Optional.empty();
  }

  /** Records finished outcomes ({@link Outcome.Status#OK} and {@link Outcome.Status#FAILED}). */
  void recordOutcomes(List<Outcome> outcomes) throws IOException;
}
