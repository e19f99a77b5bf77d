package org.distvault.storage.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Seal;

/**
 * The last seals of each set, newest first: one catalog state value per set ({@code
 * sealHistory/<set>}), at most {@link #MAX} seals, each {@code {digest, entries, at}}. A seal is
 * recorded here before it takes effect, so that a crash in between leaves one seal too many in the
 * history (which keeps more blobs), never one too few. The listings ({@code DATA/seals/<hex>.tsv})
 * say what each seal contains.
 */
final class SealHistory {
  /** How many seals of a set are remembered. */
  static final int MAX = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Catalog catalog;

  SealHistory(Catalog catalog) {
    this.catalog = catalog;
  }

  static String key(SetName set) {
    return "sealHistory/" + set.value();
  }

  /** The set's remembered seals, newest first. */
  List<Seal> of(SetName set) {
    List<Seal> out = new ArrayList<>();
    byte[] stored = catalog.state(key(set)).orElse(null);
    if (stored == null || stored.length == 0) {
      return out;
    }
    try {
      for (JsonNode s : JSON.readTree(stored).path("seals")) {
        out.add(StoreState.sealOf(s));
      }
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalStateException("the catalog's seal history of set " + set + " is unreadable: "
          + e.getMessage(), e);
    }
    return out;
  }

  /** Remembers {@code seal} as the newest of {@code set}, forgetting the oldest beyond {@link #MAX}. */
  synchronized void record(SetName set, Seal seal) {
    List<Seal> next = new ArrayList<>();
    next.add(seal);
    for (Seal s : of(set)) {
      if (next.size() < MAX && !(s.digest().equals(seal.digest()) && s.at().equals(seal.at()))) {
        next.add(s);
      }
    }
    write(set, next);
  }

  /**
   * Forgets all but the newest {@code keep} seals of {@code set} and its seal in force, and returns
   * those kept: their listings are the ones a collection keeping {@code keep} seals still needs.
   */
  synchronized List<Seal> keepNewest(SetName set, int keep, Optional<Seal> inForce) {
    List<Seal> all = of(set);
    List<Seal> kept = new ArrayList<>(all.subList(0, Math.min(keep, all.size())));
    if (inForce.isPresent() && kept.stream().noneMatch(s -> s.digest().equals(inForce.get().digest()))) {
      all.stream().filter(s -> s.digest().equals(inForce.get().digest())).findFirst().ifPresent(kept::add);
    }
    if (kept.size() < all.size()) {
      write(set, kept);
    }
    return kept;
  }

  /** Forgets the seals of a deleted set. */
  synchronized void forget(SetName set) {
    if (catalog.state(key(set)).isPresent()) {
      write(set, List.of());
    }
  }

  private void write(SetName set, List<Seal> seals) {
    ArrayNode list = JSON.createArrayNode();
    seals.forEach(s -> list.add(StoreState.sealJson(s)));
    try {
      catalog.putState(key(set), JSON.writeValueAsBytes(JSON.createObjectNode().set("seals", list)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
