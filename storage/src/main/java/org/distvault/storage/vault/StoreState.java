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
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.record.Seal;

/**
 * What a store must never silently forget: its identity, whether it is sealed and with which seal,
 * and how far its violations log reached. Kept in {@code DATA/store.state}, outside the catalog, so
 * that a lost or rolled-back catalog is noticed at start-up instead of coming up as a new, online
 * store. The file is replaced atomically and durably; a change of the seal is written here before
 * the catalog, the violation cursor after it (so the catalog's cursor is never below the file's).
 *
 * @param storeId a random id given to the store when it was created
 * @param seal the seal in force, empty when the store is not sealed
 * @param violationCursor the catalog's last violation cursor when the file was last written
 */
record StoreState(String storeId, Instant createdAt, Optional<Seal> seal, long violationCursor) {
  static final String FILE = "store.state";
  private static final ObjectMapper JSON = new ObjectMapper();

  StoreState {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(seal, "seal");
  }

  StoreState withSeal(Optional<Seal> s) {
    return new StoreState(storeId, createdAt, s, violationCursor);
  }

  StoreState withViolationCursor(long c) {
    return new StoreState(storeId, createdAt, seal, c);
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
      if (o == null || o.path("format").asInt() != 1 || !o.path("store").isTextual()) {
        throw new IllegalArgumentException("not a format 1 store state with a store id");
      }
      Optional<Seal> seal = o.path("sealed").asBoolean() ? Optional.of(sealOf(o.path("seal"))) : Optional.empty();
      return Optional.of(new StoreState(o.path("store").asText(), Instant.parse(o.path("created").asText()), seal,
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
    o.put("format", 1);
    o.put("store", storeId);
    o.put("created", createdAt.toString());
    o.put("sealed", seal.isPresent());
    seal.ifPresent(s -> o.set("seal", sealJson(s)));
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
