package org.distvault.storage.blob;

import java.util.Objects;
import org.distvault.storage.digest.Digest;

/**
 * A remote backend holds bytes under a blob's name that are not that blob: they were hashed on
 * their way into the local cache tier and did not match, so they were dropped, never served.
 *
 * <p>A backend failure like any other to the client (the blob cannot be served now), but it needs
 * an operator: the object stays in the bucket until a scrub ({@link BlobBackend#verify}) or a new
 * ingest of the same content replaces it.
 */
public final class CorruptBlobException extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  private final transient Digest sha512;

  /**
   * @param sha512 the blob whose stored bytes are wrong
   * @param where where those bytes are, e.g. {@code s3://bucket/key}
   * @param cause the size or digest mismatch found while hashing them
   */
  public CorruptBlobException(String operation, Digest sha512, String where, Throwable cause) {
    super(
        operation,
        "the object " + where + " is not blob " + Digest.requireSha512(sha512).hex() + ": "
            + cause.getMessage(),
        cause);
    this.sha512 = Objects.requireNonNull(sha512, "sha512");
  }

  /** The blob whose stored bytes did not match its name. */
  public Digest sha512() {
    return sha512;
  }
}
