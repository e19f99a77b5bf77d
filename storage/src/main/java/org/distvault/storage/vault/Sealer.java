package org.distvault.storage.vault;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * same digest, from its blob files.
 */
final class Sealer {
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

  /** Computes the seal of {@code set} and makes its listing durable ({@code DATA/seals/<hex>.tsv}). */
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
    return seal;
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

  /** Deletes the listing of the seal whose digest has hex {@code hex}. */
  void deleteListing(String hex) throws IOException {
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
