package org.distvault.server.http;

import java.util.Objects;
import org.distvault.storage.digest.Digest;

/** A {@code /by-hash/<alg>/<hex>} request: pure content addressing. */
public record HashRequest(Digest digest) implements RequestTarget {
  public HashRequest {
    Objects.requireNonNull(digest, "digest");
  }
}
