package org.distvault.server.readthrough;

import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.blob.StoredBlob;

/**
 * What a read-through request got: the stored, verified blob (now bound to the variant), or the
 * one-line reason it could not be fetched.
 */
public record ReadThroughResult(Optional<StoredBlob> blob, Optional<String> failure) {
  public ReadThroughResult {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(failure, "failure");
    if (blob.isPresent() == failure.isPresent()) {
      throw new IllegalArgumentException("a read-through result has a blob or a failure reason");
    }
  }

  public static ReadThroughResult fetched(StoredBlob blob) {
    return new ReadThroughResult(Optional.of(blob), Optional.empty());
  }

  public static ReadThroughResult failed(String reason) {
    return new ReadThroughResult(Optional.empty(), Optional.of(reason));
  }

  /** Whether the content is now held and bound. */
  public boolean isFetched() {
    return blob.isPresent();
  }
}
