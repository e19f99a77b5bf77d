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
 * @param rebuilt what a recovery ({@link Vault.Start#RECOVER}) rebuilt and lost, a line each; empty
 *     when the catalog was opened as it was
 */
public record RecoveryReport(
    int tmpRemoved, List<Digest> recorded, List<Digest> dropped, List<Path> quarantined,
    List<String> rebuilt) {
  public RecoveryReport {
    recorded = List.copyOf(recorded);
    dropped = List.copyOf(dropped);
    quarantined = List.copyOf(quarantined);
    rebuilt = List.copyOf(rebuilt);
  }

  /** The report of a start-up without a recovery. */
  public RecoveryReport(int tmpRemoved, List<Digest> recorded, List<Digest> dropped, List<Path> quarantined) {
    this(tmpRemoved, recorded, dropped, quarantined, List.of());
  }

  /** This report with the lines of a recovery. */
  RecoveryReport withRebuilt(List<String> lines) {
    return new RecoveryReport(tmpRemoved, recorded, dropped, quarantined, lines);
  }

  /** Whether start-up found nothing to repair. */
  public boolean clean() {
    return tmpRemoved == 0 && recorded.isEmpty() && dropped.isEmpty() && quarantined.isEmpty() && rebuilt.isEmpty();
  }
}
