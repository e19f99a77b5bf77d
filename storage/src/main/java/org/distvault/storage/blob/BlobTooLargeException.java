package org.distvault.storage.blob;

import java.io.IOException;

/**
 * Content larger than the store accepts ({@link BlobStoreOptions#maxBlobSize()}), whatever was
 * expected. Reading stops at the first byte past the limit.
 */
public final class BlobTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long limit;
  private final long atLeast;

  public BlobTooLargeException(long limit, long atLeast) {
    super("blob larger than the store's limit of " + limit + " bytes (got at least " + atLeast
        + ")");
    this.limit = limit;
    this.atLeast = atLeast;
  }

  public long limit() {
    return limit;
  }

  /** How many bytes were offered, at least (the size itself, when it was announced up front). */
  public long atLeast() {
    return atLeast;
  }
}
