package org.distvault.storage.vault;

import java.nio.file.Path;
import java.util.List;
import org.distvault.storage.digest.Digest;

/**
 * What opening a {@link Vault} found and repaired.
 *
 * @param tmpRemoved leftovers removed from {@code DATA/tmp/}
 * @param recorded blob files that had no catalog record and now have one
 * @param dropped catalog records whose file was missing
 * @param quarantined blob files whose bytes did not match their name
 */
public record RecoveryReport(
    int tmpRemoved, List<Digest> recorded, List<Digest> dropped, List<Path> quarantined) {
  public RecoveryReport {
    recorded = List.copyOf(recorded);
    dropped = List.copyOf(dropped);
    quarantined = List.copyOf(quarantined);
  }

  /** Whether start-up found nothing to repair. */
  public boolean clean() {
    return tmpRemoved == 0 && recorded.isEmpty() && dropped.isEmpty() && quarantined.isEmpty();
  }
}
