package org.distvault.storage.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.distvault.storage.blob.Fsync;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.Variant;

/**
 * Computes a {@link Seal} from the catalog by paging through every distfile record, and keeps the
 * sealed listing ({@code name TAB sha512hex} per line, the very lines hashed) in {@code
 * DATA/seals/<hex>.tsv}: with it, a store whose catalog is lost can be rebuilt sealed, with the
 * same digest, from its blob files. Beside it, {@code <hex>.json} ({@code {"digest","entries",
 * "sealedBy":{"<set>":"<time>"}}}) records which sets sealed it and when, last, so that a rebuilt
 * catalog gets the sets' seal histories back too.
 */
final class Sealer {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Upper bound on pages read (10,000 records each): far above any pkgsrc tree. */
  static final int MAX_PAGES = 100_000;

  private final Catalog catalog;
  private final Path dir;

  Sealer(Catalog catalog, Path dataDir) {
    this.catalog = catalog;
    this.dir = dataDir.resolve("seals");
  }

  /** The sorted, distinct lines of every bound variant of {@code set}, as UTF-8 bytes. */
  TreeSet<byte[]> lines(SetName set) {
    TreeSet<byte[]> lines = new TreeSet<>(Arrays::compareUnsigned);
    Optional<DistfileName> after = Optional.empty();
    for (int page = 0; page < MAX_PAGES; page++) {
      List<DistfileRecord> records = catalog.listDistfiles(set, after, Catalog.MAX_PAGE);
      for (DistfileRecord r : records) {
        for (Variant v : r.variants()) {
          v.blob().ifPresent(sha512 ->
              lines.add((r.name().value() + "\t" + sha512.hex() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
      }
      if (records.size() < Catalog.MAX_PAGE) {
        return lines;
      }
      after = Optional.of(records.get(records.size() - 1).name());
    }
    throw new IllegalStateException("catalog has more than " + MAX_PAGES + " pages of distfiles");
  }

  /** The seal of what {@code set} binds now, without writing anything. */
  Seal compute(SetName set, Instant at) {
    return seal(lines(set), at);
  }

  /**
   * Computes the seal of {@code set} and makes its listing durable ({@code DATA/seals/<hex>.tsv}),
   * then records beside it that {@code set} sealed it at {@code at} ({@code <hex>.json}).
   */
  Seal sealAndKeep(SetName set, Instant at) throws IOException {
    TreeSet<byte[]> lines = lines(set);
    Seal seal = seal(lines, at);
    Path file = listing(seal);
    if (!Files.exists(file)) {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        for (byte[] line : lines) {
          out.write(line);
        }
      }
      DurableFile.syncAndRename(tmp, file);
    }
    TreeMap<String, Instant> sealedBy = sealedBy(hex(seal));
    sealedBy.put(set.value(), at);
    writeSealedBy(seal.digest(), seal.entries(), sealedBy);
    return seal;
  }

  /**
   * The seals of {@code set} whose listing is kept, newest first, as the records beside the
   * listings tell them (the last time the set sealed each); a listing without a record (written
   * before records were kept) is no seal of any set.
   */
  List<Seal> keptSealsOf(SetName set) throws IOException {
    List<Seal> out = new ArrayList<>();
    for (Map.Entry<String, Path> l : listings().entrySet()) {
      Instant at = sealedBy(l.getKey()).get(set.value());
      if (at != null) {
        out.add(new Seal("sha256:" + l.getKey(), entriesOf(l.getKey()), at));
      }
    }
    out.sort(Comparator.comparing(Seal::at).reversed().thenComparing(Seal::digest));
    return out;
  }

  /** Listings kept without a record of who sealed them. */
  int unrecordedListings() throws IOException {
    int n = 0;
    for (String hex : listings().keySet()) {
      if (!Files.exists(record(hex))) {
        n++;
      }
    }
    return n;
  }

  /**
   * Makes the record beside the listing {@code hex} name only {@code sets} (those whose kept seals
   * still include it), so that a recovery does not give a set back a seal it had forgotten.
   */
  void keepSealedBy(String hex, Set<String> sets) throws IOException {
    TreeMap<String, Instant> sealedBy = sealedBy(hex);
    if (sealedBy.keySet().retainAll(sets)) {
      writeSealedBy("sha256:" + hex, entriesOf(hex), sealedBy);
    }
  }

  private Path record(String hex) {
    return dir.resolve(hex + ".json");
  }

  private long entriesOf(String hex) throws IOException {
    JsonNode r = readRecord(hex);
    if (r != null && r.path("entries").canConvertToLong()) {
      return r.path("entries").asLong();
    }
    try (var lines = Files.lines(dir.resolve(hex + ".tsv"), StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isEmpty()).count();
    }
  }

  private TreeMap<String, Instant> sealedBy(String hex) throws IOException {
    TreeMap<String, Instant> out = new TreeMap<>();
    JsonNode r = readRecord(hex);
    if (r != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = r.path("sealedBy").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        try {
          out.put(e.getKey(), Instant.parse(e.getValue().asText()));
        } catch (DateTimeParseException x) {
          // a damaged time: that set's seal of it is not known
        }
      }
    }
    return out;
  }

  /** The record beside a listing; null when there is none or it cannot be read (as if none). */
  private JsonNode readRecord(String hex) throws IOException {
    Path file = record(hex);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode r = JSON.readTree(file.toFile());
      return r != null && r.isObject() ? r : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private void writeSealedBy(String digest, long entries, TreeMap<String, Instant> sealedBy) throws IOException {
    ObjectNode r = JSON.createObjectNode();
    r.put("digest", digest);
    r.put("entries", entries);
    ObjectNode by = r.putObject("sealedBy");
    sealedBy.forEach((set, at) -> by.put(set, at.toString()));
    DurableFile.write(record(digest.substring("sha256:".length())), JSON.writeValueAsString(r) + "\n");
  }

  private static String hex(Seal seal) {
    return seal.digest().substring("sha256:".length());
  }

  /** Where the listing of {@code seal} is kept. */
  Path listing(Seal seal) {
    return dir.resolve(seal.digest().substring("sha256:".length()) + ".tsv");
  }

  /** Every kept listing ({@code DATA/seals/*.tsv}), by the hex of its seal digest. */
  Map<String, Path> listings() throws IOException {
    Map<String, Path> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tsv")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        out.put(name.substring(0, name.length() - ".tsv".length()), f);
      }
    }
    return out;
  }

  /** Deletes the listing of the seal whose digest has hex {@code hex}, its record first. */
  void deleteListing(String hex) throws IOException {
    Files.deleteIfExists(record(hex));
    Files.deleteIfExists(dir.resolve(hex + ".tsv"));
  }

  /** Makes the deletions of {@link #deleteListing} durable. */
  void syncDirectory() throws IOException {
    if (Files.isDirectory(dir)) {
      Fsync.directory(dir);
    }
  }

  /** The lines of a kept listing, in order; empty when the listing is not kept. */
  List<String> readListing(Seal seal) throws IOException {
    Path file = listing(seal);
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isEmpty()) {
        out.add(line);
      }
    }
    return out;
  }

  static Seal seal(Iterable<byte[]> lines, Instant at) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    long n = 0;
    for (byte[] line : lines) {
      sha256.update(line);
      n++;
    }
    return new Seal("sha256:" + HexFormat.of().formatHex(sha256.digest()), n, at);
  }
}
