package org.distvault.storage.record;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.SetName;

/**
 * One source set at a glance: what it expects and holds, and its seal.
 *
 * @param created when the set was first used ({@link Instant#EPOCH} for a {@code default} set
 *     older than sets)
 * @param entries expected variants
 * @param present variants bound to a blob
 * @param failed variants not bound whose last prefetch failed
 * @param missing variants neither present nor failed
 * @param bytes the sizes of the present variants, summed
 * @param seal the seal in force; the set is sealed exactly when it is present
 */
public record SetSummary(SetName name, Instant created, long entries, long present, long failed,
    long missing, long bytes, Optional<Seal> seal) {
  public SetSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(seal, "seal");
  }

  /** {@code sealed} or {@code filling}. */
  public String state() {
    return seal.isPresent() ? "sealed" : "filling";
  }
}
