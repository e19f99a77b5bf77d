package org.distvault.storage.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Seal;

/**
 * What a store must never silently forget: its identity, whether it is sealed and with which seal,
 * and how far its violations log reached. Kept in {@code DATA/store.state}, outside the catalog, so
 * that a lost or rolled-back catalog is noticed at start-up instead of coming up as a new, online
 * store. The file is replaced atomically and durably; a change of the seal is written here before
 * the catalog, the violation cursor after it (so the catalog's cursor is never below the file's).
 *
 * <p>Format 1 knows one seal (the set {@code default}'s, under {@code seal}); format 2 adds the
 * seals of other sets under {@code sets}. A file is written in format 2 only while another set is
 * sealed, so that a version that knows no sets refuses it instead of forgetting those seals.
 *
 * @param storeId a random id given to the store when it was created
 * @param seals the seal in force of every sealed set
 * @param violationCursor the catalog's last violation cursor when the file was last written
 */
record StoreState(String storeId, Instant createdAt, SortedMap<SetName, Seal> seals, long violationCursor) {
  static final String FILE = "store.state";
  private static final ObjectMapper JSON = new ObjectMapper();

  StoreState {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(createdAt, "createdAt");
    seals = Collections.unmodifiableSortedMap(new TreeMap<>(seals));
  }

  /** The seal in force of {@code set}, if it is sealed. */
  Optional<Seal> seal(SetName set) {
    return Optional.ofNullable(seals.get(set));
  }

  StoreState withSeal(SetName set, Optional<Seal> s) {
    TreeMap<SetName, Seal> next = new TreeMap<>(seals);
    if (s.isPresent()) {
      next.put(set, s.get());
    } else {
      next.remove(set);
    }
    return new StoreState(storeId, createdAt, next, violationCursor);
  }

  StoreState withViolationCursor(long c) {
    return new StoreState(storeId, createdAt, seals, c);
  }

  /** {@code DATA/store.state}. */
  static Path file(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /**
   * Reads the state of the store in {@code dataDir}; empty when the file does not exist.
   *
   * @throws StoreDamagedException when the file exists but cannot be read as a store state
   */
  static Optional<StoreState> read(Path dataDir) throws IOException {
    Path file = file(dataDir);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonNode o = JSON.readTree(bytes);
      int format = o == null ? 0 : o.path("format").asInt();
      if ((format != 1 && format != 2) || !o.path("store").isTextual()) {
        throw new IllegalArgumentException("not a format 1 or 2 store state with a store id");
      }
      TreeMap<SetName, Seal> seals = new TreeMap<>();
      if (o.path("sealed").asBoolean()) {
        seals.put(SetName.DEFAULT, sealOf(o.path("seal")));
      }
      if (format == 2) {
        for (Map.Entry<String, JsonNode> set : o.path("sets").properties()) {
          seals.put(SetName.of(set.getKey()), sealOf(set.getValue()));
        }
      }
      return Optional.of(new StoreState(o.path("store").asText(), Instant.parse(o.path("created").asText()), seals,
          o.path("violationCursor").asLong()));
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new StoreDamagedException(file + " is unreadable (" + e.getMessage() + "): restore it from a backup;"
          + " it records whether the store is sealed, so it is not recreated silently");
    }
  }

  /** Replaces the file atomically and durably. */
  void write(Path dataDir) throws IOException {
    DurableFile.write(file(dataDir), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
  }

  private ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    boolean others = seals.keySet().stream().anyMatch(set -> !set.isDefault());
    o.put("format", others ? 2 : 1);
    o.put("store", storeId);
    o.put("created", createdAt.toString());
    Optional<Seal> seal = seal(SetName.DEFAULT);
    o.put("sealed", seal.isPresent());
    seal.ifPresent(s -> o.set("seal", sealJson(s)));
    if (others) {
      ObjectNode sets = o.putObject("sets");
      seals.forEach((set, s) -> {
        if (!set.isDefault()) {
          sets.set(set.value(), sealJson(s));
        }
      });
    }
    o.put("violationCursor", violationCursor);
    return o;
  }

  static ObjectNode sealJson(Seal s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("digest", s.digest());
    o.put("entries", s.entries());
    o.put("at", s.at().toString());
    return o;
  }

  static Seal sealOf(JsonNode o) {
    return new Seal(o.path("digest").asText(), o.path("entries").asLong(), Instant.parse(o.path("at").asText()));
  }

  /** The seal as JSON bytes, the form the catalog keeps it in too. */
  static byte[] sealBytes(Optional<Seal> seal) {
    ObjectNode o = JSON.createObjectNode();
    o.put("sealed", seal.isPresent());
    seal.ifPresent(s -> o.set("seal", sealJson(s)));
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads what {@link #sealBytes} wrote. */
  static Optional<Seal> sealFromBytes(byte[] bytes) {
    try {
      JsonNode o = JSON.readTree(bytes);
      return o.path("sealed").asBoolean() ? Optional.of(sealOf(o.path("seal"))) : Optional.empty();
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalStateException("the catalog's seal state is unreadable: " + e.getMessage(), e);
    }
  }
}
