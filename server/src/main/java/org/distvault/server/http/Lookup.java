package org.distvault.server.http;

import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.record.Resolution;

/**
 * What a {@link BlobSource} found for one name: the blob to serve, if any, and the store's answer
 * for the name (which variant the request means, or why none), when the source keeps one. A miss
 * is explained from that answer, so it is looked up once, not again by whoever explains it.
 *
 * @param blob the stored, verified blob; empty for a miss
 * @param resolution the store's answer for the name; empty when the source has no catalog
 */
public record Lookup(Optional<ServableBlob> blob, Optional<Resolution> resolution) {
  public Lookup {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(resolution, "resolution");
  }

  /** A lookup in a source without a catalog: only the blob, if any. */
  public static Lookup of(Optional<ServableBlob> blob) {
    return new Lookup(blob, Optional.empty());
  }
}
