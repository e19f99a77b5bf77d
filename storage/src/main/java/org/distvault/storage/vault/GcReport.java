package org.distvault.storage.vault;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.SetName;

/**
 * What a garbage collection ({@link Vault#gc}) found and did.
 *
 * @param applied whether garbage was deleted (else it was only counted)
 * @param keepSeals how many of each set's last seals kept their blobs
 * @param garbageCount garbage blobs found
 * @param garbageBytes their bytes
 * @param largest the largest garbage blobs, largest first (at most {@link #LARGEST})
 * @param keptBy per set, what it keeps live and why
 * @param freedCount blobs deleted
 * @param freedBytes their bytes
 * @param listingsUnreferenced seal listings ({@code DATA/seals/<hex>.tsv}) that no set's seal in force
 *     nor its last {@code keepSeals} seals refer to
 * @param listingsPruned those of them deleted (with {@code applied}; else 0)
 */
public record GcReport(boolean applied, int keepSeals, long garbageCount, long garbageBytes, List<Garbage> largest,
    Map<SetName, Kept> keptBy, long freedCount, long freedBytes, long listingsUnreferenced, long listingsPruned) {
  /** How many of the largest garbage blobs a report lists. */
  public static final int LARGEST = 20;

  public GcReport {
    largest = List.copyOf(largest);
    keptBy = Map.copyOf(keptBy);
  }

  /**
   * A garbage blob.
   *
   * @param names the names it had in seals whose listings are kept (none when it was only bound in a
   *     filling set that was deleted, or never bound)
   */
  public record Garbage(Digest sha512, long size, List<String> names) {
    public Garbage {
      Objects.requireNonNull(sha512, "sha512");
      names = List.copyOf(names);
    }
  }

  /** Why a set keeps a blob live. */
  public enum Reason {
    /** a filling set expects or binds it */
    FILLING("filling"),
    /** a sealed set's seal in force contains it */
    SEAL("seal"),
    /** one of the set's last seals contains it */
    PREVIOUS_SEALS("previous seals");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * What one set keeps live: blobs counted once per set, whatever the reasons.
   *
   * @param by every reason the set has for at least one of them
   */
  public record Kept(long count, long bytes, Set<Reason> by) {
    public Kept {
      by = Set.copyOf(by);
    }
  }
}
