package org.distvault.server.health;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import org.distvault.storage.vault.Vault;

/**
 * Ends {@link Condition#CATALOG_WRITE_FAILING} when nothing else would: while it holds, each
 * {@link #run} writes one small state value to the catalog and clears the condition if that
 * succeeds. Without it the condition would last until the next miss or upload happened to write.
 * Writes nothing while the catalog is healthy.
 *
 * <p>RocksDB 11 (with the catalog's several column families) refuses every write after a failed
 * write of its log on a full disk, and does not resume when space is back, only when the catalog
 * is reopened (DiskFullIT measures it). So after a full disk the probe goes on failing until a
 * restart, and its detail then says to restart.
 */
public final class CatalogProbe implements Runnable {
  /** The state key written; nothing reads it. */
  static final String KEY = "health.probe";

  private final Vault vault;
  private final Health health;
  private final Clock clock;

  public CatalogProbe(Vault vault, Health health, Clock clock) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.health = Objects.requireNonNull(health, "health");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void run() {
    if (!health.holds(Condition.CATALOG_WRITE_FAILING)) {
      return;
    }
    try {
      vault.putState(KEY, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IllegalStateException e) {
      return; // the vault is closing: nothing to learn
    } catch (RuntimeException e) {
      health.raise(Condition.CATALOG_WRITE_FAILING, health.holds(Condition.LOW_SPACE)
          ? "a test write to the catalog failed: " + e.getMessage()
          : "catalog writes still fail although space is free again; if this lasts, restart distvault "
              + "(RocksDB may refuse writes until it is reopened): " + e.getMessage());
      return;
    }
    health.clear(Condition.CATALOG_WRITE_FAILING);
  }
}
