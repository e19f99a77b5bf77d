package org.distvault.storage.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.name.SetName;

/**
 * Which source sets the store has, and when each was created: one catalog state value ({@code
 * sets}), rewritten whole on the rare creation or deletion. The set {@code default} is always
 * there, recorded or not. Thread-safe: changes are serialised.
 */
final class SetRegistry {
  static final String KEY = "sets";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Catalog catalog;
  private final Clock clock;
  private final TreeMap<SetName, Instant> sets = new TreeMap<>();
  /** The names, for {@link #contains} without the lock: every hit through /set/ asks it. */
  private volatile Set<SetName> names = Set.of(SetName.DEFAULT);

  SetRegistry(Catalog catalog, Clock clock) throws StoreDamagedException {
    this.catalog = catalog;
    this.clock = clock;
    Optional<byte[]> stored = catalog.state(KEY);
    if (stored.isPresent()) {
      try {
        for (JsonNode s : JSON.readTree(stored.get()).path("sets")) {
          sets.put(SetName.of(s.path("name").asText()), Instant.parse(s.path("created").asText()));
        }
      } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
        throw new StoreDamagedException("the catalog's list of sets is unreadable (" + e.getMessage()
            + "): restore DATA/index from a backup, or start with --recover");
      }
    }
    sets.putIfAbsent(SetName.DEFAULT, Instant.EPOCH);
    names = Set.copyOf(sets.keySet());
  }

  synchronized List<SetName> names() {
    return List.copyOf(sets.keySet());
  }

  /** When each set was created ({@link Instant#EPOCH} for a {@code default} never recorded). */
  synchronized Map<SetName, Instant> created() {
    return new TreeMap<>(sets);
  }

  boolean contains(SetName set) {
    return names.contains(set);
  }

  /** Records the set if it is new; true when it was. */
  synchronized boolean add(SetName set) {
    if (sets.containsKey(set)) {
      return false;
    }
    TreeMap<SetName, Instant> next = new TreeMap<>(sets);
    next.put(set, clock.instant());
    store(next);
    return true;
  }

  synchronized void remove(SetName set) {
    if (set.isDefault()) {
      throw new IllegalArgumentException("the set default cannot be deleted");
    }
    if (sets.containsKey(set)) {
      TreeMap<SetName, Instant> next = new TreeMap<>(sets);
      next.remove(set);
      store(next);
    }
  }

  private void store(TreeMap<SetName, Instant> next) {
    ArrayNode list = JSON.createArrayNode();
    next.forEach((name, created) -> list.addObject().put("name", name.value()).put("created", created.toString()));
    try {
      catalog.putState(KEY, JSON.writeValueAsBytes(JSON.createObjectNode().set("sets", list)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    sets.clear();
    sets.putAll(next);
    names = Set.copyOf(next.keySet());
  }
}
