package org.distvault.server.mode;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.record.Seal;

/**
 * The current mode and the last change that set it.
 *
 * @param changedBy the {@link Actor#id()} of who set it
 * @param reason the reason given, if any
 * @param seal the seal in force: present when offline
 */
public record ModeState(Mode mode, Instant changedAt, String changedBy, Optional<String> reason, Optional<Seal> seal) {
  public ModeState {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(changedAt, "changedAt");
    Objects.requireNonNull(changedBy, "changedBy");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(seal, "seal");
  }
}
