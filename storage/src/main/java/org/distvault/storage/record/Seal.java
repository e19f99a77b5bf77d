package org.distvault.storage.record;

import java.time.Instant;
import java.util.Objects;

/**
 * What the cache held when it was sealed: a SHA-256 over the sorted, distinct lines
 * {@code name TAB sha512hex LF} of every variant bound to a blob (lines compared as UTF-8 bytes).
 *
 * @param digest {@code sha256:<64 hex>}
 * @param entries the number of lines hashed
 * @param at when the seal was computed
 */
public record Seal(String digest, long entries, Instant at) {
  public Seal {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(at, "at");
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("seal digest must be sha256:<64 hex>, got " + digest);
    }
    if (entries < 0) {
      throw new IllegalArgumentException("negative seal entry count " + entries);
    }
  }
}
