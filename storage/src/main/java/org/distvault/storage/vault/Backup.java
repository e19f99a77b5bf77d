package org.distvault.storage.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.distvault.storage.blob.BlobLayout;
import org.distvault.storage.blob.StoreRecovery;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Seal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a point-in-time backup of a store while it keeps serving (see {@link Vault#backup}). The
 * point in time is the catalog's RocksDB checkpoint, taken while no seal changes; everything else
 * in the backup is made to agree with that checkpoint: {@code store.state} from the checkpoint's
 * seals and violation cursor, the blob files of the blobs the checkpoint records (hard links, or
 * verified copies across file systems), the seal listings, and the violations file cut at the
 * checkpoint's cursor. {@code backup.json} is written last: a backup without it is incomplete.
 */
final class Backup {
  private static final Logger log = LoggerFactory.getLogger(Backup.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The manifest's name in the backup directory. */
  static final String MANIFEST = "backup.json";
  /** Catalog state key of the last successful backup. */
  static final String LAST_KEY = "backup.last";

  private final Path dataDir;
  private final Catalog catalog;
  private final StateKeeper keeper;
  private final Clock clock;
  private final boolean tryLinks;
  private final Optional<String> blobsElsewhere;

  /**
   * A backup that hard-links blob files where it can ({@code tryLinks}), else copies them all; or,
   * when the blobs live in a remote store ({@code blobsElsewhere}, e.g. {@code s3://bucket/prefix}),
   * one of the catalog and the state only, which says where the blobs are.
   */
  Backup(Path dataDir, Catalog catalog, StateKeeper keeper, Clock clock, boolean tryLinks,
      Optional<String> blobsElsewhere) {
    this.dataDir = dataDir;
    this.blobsElsewhere = blobsElsewhere;
    this.catalog = catalog;
    this.keeper = keeper;
    this.clock = clock;
    this.tryLinks = tryLinks;
  }

  /**
   * Writes the backup into {@code target}. When it fails after it began writing, what it wrote is
   * removed again (the directories it created included), so that a failed backup leaves no
   * half-backup that looks like one; the exception names the cause.
   */
  BackupReport take(Path target) throws IOException {
    Path to = target.toAbsolutePath().normalize();
    Path created = prepare(to);
    try {
      return write(to);
    } catch (IOException | RuntimeException e) {
      String removed = removePartial(to, created);
      String cause = e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
      log.warn("backup {} failed ({}); {}", to, cause, removed);
      throw new IOException("backup into " + to + " failed: " + cause + "; " + removed, e);
    }
  }

  /**
   * Removes what a failed backup wrote: the directories {@code prepare} created, from {@code
   * created} down, or else everything in {@code to} (which was empty before).
   *
   * @return what became of it, for the error
   */
  private static String removePartial(Path to, Path created) {
    try {
      if (created != null) {
        deleteTree(created);
        return "the partial backup was removed (" + created + ")";
      }
      try (Stream<Path> children = Files.list(to)) {
        for (Path c : (Iterable<Path>) children::iterator) {
          deleteTree(c);
        }
      }
      return "the partial backup was removed (" + to + " is empty again)";
    } catch (IOException | RuntimeException e) {
      log.warn("backup {}: cannot remove the partial backup: {}", to, e.toString());
      return "the partial backup could not all be removed (" + e + "): delete " + to + " by hand";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      StoreRecovery.deleteTree(root);
    }
  }

  private BackupReport write(Path to) throws IOException {
    Path index = to.resolve("index");
    // The point in time: the checkpoint, under the keeper's lock so that no seal is half changed.
    StoreState live = keeper.whileStill(() -> catalog.checkpoint(index));
    Instant at = clock.instant();

    // What the checkpoint holds, read from the checkpoint itself.
    String storeId;
    List<SetName> sets;
    Map<SetName, Seal> seals;
    long cursor;
    long auditCursor;
    long violationCount = 0;
    List<BlobRecord> blobs = new ArrayList<>();
    try (Catalog cp = Catalog.open(index, clock)) {
      storeId = cp.state(StateKeeper.STORE_KEY).map(b -> new String(b, StandardCharsets.UTF_8))
          .orElse(live.storeId());
      sets = new SetRegistry(cp, clock).names();
      seals = StateKeeper.catalogSeals(cp, sets);
      cursor = cp.lastCursor(LogKind.VIOLATIONS);
      auditCursor = cp.lastCursor(LogKind.AUDIT);
      // Cursors have no holes, except after a recovery that could not get every violation back.
      long seen = 0;
      for (List<LogEntry> page = cp.read(LogKind.VIOLATIONS, 0, Catalog.MAX_PAGE); !page.isEmpty() && seen < cursor;
          page = cp.read(LogKind.VIOLATIONS, seen, Catalog.MAX_PAGE)) {
        violationCount += page.size();
        seen = page.get(page.size() - 1).cursor();
      }
      Optional<Digest> after = Optional.empty();
      for (List<BlobRecord> page = cp.listBlobs(after, Catalog.MAX_PAGE); !page.isEmpty();
          page = cp.listBlobs(after, Catalog.MAX_PAGE)) {
        blobs.addAll(page);
        after = Optional.of(page.get(page.size() - 1).sha512());
      }
    }
    if (!storeId.equals(live.storeId()) || !seals.equals(live.seals())) {
      log.warn("backup {}: the checkpoint's store {} and seals {} differ from the store state's {} {}; the"
          + " checkpoint's are kept", to, storeId, seals, live.storeId(), live.seals());
    }
    new StoreState(storeId, live.createdAt(), new TreeMap<>(seals), cursor).write(to);

    copySeals(to);
    long violationLines = copyViolations(to, cursor);

    // The blob files: links where the file system allows, verified copies otherwise.
    BlobLayout from = BlobLayout.of(dataDir);
    BlobLayout into = BlobLayout.of(to);
    long bytes = 0;
    long linked = 0;
    long copied = 0;
    List<Digest> missing = new ArrayList<>();
    boolean links = tryLinks;
    long count = blobs.size();
    if (blobsElsewhere.isPresent()) {
      // The remote store keeps the blobs (and outlives this host): the backup refers to it.
      bytes = blobs.stream().mapToLong(BlobRecord::size).sum();
      blobs = List.of();
    }
    for (BlobRecord b : blobs) {
      Path src = from.path(b.sha512());
      Path dst = into.path(b.sha512());
      Files.createDirectories(dst.getParent());
      try {
        if (links) {
          try {
            Files.createLink(dst, src);
            long size = Files.size(dst);
            if (size != b.size()) {
              Files.delete(dst);
              throw new Unfit("it has " + size + " bytes, its record " + b.size());
            }
            linked++;
            bytes += b.size();
            continue;
          } catch (NoSuchFileException e) {
            throw e;
          } catch (FileAlreadyExistsException | Unfit e) {
            throw e;
          } catch (IOException | UnsupportedOperationException e) {
            if (!Files.exists(src)) {
              throw new NoSuchFileException(src.toString());
            }
            log.info("backup {}: cannot hard-link blobs ({}): copying them", to, e.toString());
            links = false;
          }
        }
        copy(src, dst, b);
        copied++;
        bytes += b.size();
      } catch (NoSuchFileException e) {
        log.warn("backup {}: blob {} is recorded in the checkpoint but its file is gone: not in the backup"
            + " (the restored store drops its record at start)", to, b.sha512().hex());
        missing.add(b.sha512());
      } catch (Unfit e) {
        log.warn("backup {}: blob {} is not in the backup: {} (a scrub quarantines it; the restored store drops"
            + " its record at start)", to, b.sha512().hex(), e.getMessage());
        missing.add(b.sha512());
      }
    }

    List<BackupReport.SetState> setStates = new ArrayList<>();
    for (SetName s : sets) {
      setStates.add(new BackupReport.SetState(s.value(), Optional.ofNullable(seals.get(s))));
    }
    BackupReport report = new BackupReport(to, at, storeId, setStates, count - missing.size(), bytes, linked,
        copied, missing, cursor, violationCount, violationLines, auditCursor, blobsElsewhere);
    DurableFile.write(to.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.json())
        + "\n");
    log.info("backup of {} into {}: {} blobs ({} bytes; {} linked, {} copied, {} missing), {} sets, {} violations",
        dataDir, to, report.blobs(), bytes, linked, copied, missing.size(), sets.size(), violationCount);
    return report;
  }

  /** Records {@code report} in the catalog as the last successful backup. */
  static void remember(Catalog catalog, BackupReport report) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("at", report.time().toString());
    o.put("directory", report.directory().toString());
    o.put("blobs", report.blobs());
    try {
      catalog.putState(LAST_KEY, JSON.writeValueAsBytes(o));
    } catch (IOException | RuntimeException e) {
      // The backup itself is complete; only the record of it is missing.
      log.warn("cannot record the backup just written to {}: {}", report.directory(), e.toString());
    }
  }

  /** The last successful backup the catalog records; an unreadable record is logged and taken as none. */
  static Optional<BackupReport.Last> last(Catalog catalog) {
    Optional<byte[]> stored = catalog.state(LAST_KEY);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode o = JSON.readTree(stored.get());
      return Optional.of(new BackupReport.Last(Instant.parse(o.path("at").asText()),
          Path.of(o.path("directory").asText()), o.path("blobs").asLong()));
    } catch (IOException | RuntimeException e) {
      log.warn("the record of the last backup is unreadable ({}): taken as no backup", e.toString());
      return Optional.empty();
    }
  }

  /**
   * Refuses a target that exists and is not an empty directory, or lies in the data directory;
   * creates it otherwise.
   *
   * @return the outermost directory created, null when {@code to} existed
   */
  private Path prepare(Path to) throws IOException {
    Path data = dataDir.toAbsolutePath().normalize();
    if (to.startsWith(data) || data.startsWith(to)) {
      throw new IllegalArgumentException("the backup directory " + to + " must lie outside the data directory "
          + data);
    }
    if (Files.exists(to)) {
      if (!Files.isDirectory(to)) {
        throw new IllegalArgumentException("the backup directory " + to + " exists and is not a directory");
      }
      try (DirectoryStream<Path> d = Files.newDirectoryStream(to)) {
        if (d.iterator().hasNext()) {
          throw new IllegalArgumentException("the backup directory " + to + " exists and is not empty");
        }
      }
      return null;
    }
    Path outermost = to;
    while (outermost.getParent() != null && !Files.exists(outermost.getParent())) {
      outermost = outermost.getParent();
    }
    Files.createDirectories(to);
    return outermost;
  }

  /**
   * The seal listings ({@code DATA/seals/*.tsv}; every seal in force at the checkpoint has one) and
   * the records of who sealed them ({@code *.json}), from which a recovery rebuilds seal histories.
   */
  private void copySeals(Path to) throws IOException {
    Path src = dataDir.resolve("seals");
    if (!Files.isDirectory(src)) {
      return;
    }
    Path dst = Files.createDirectories(to.resolve("seals"));
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if ((name.endsWith(".tsv") || name.endsWith(".json")) && Files.isRegularFile(f)) {
          try {
            Files.copy(f, dst.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
          } catch (NoSuchFileException e) {
            // Pruned by a garbage collection since the listing was read: no kept seal refers to it.
            log.info("backup {}: {} was deleted meanwhile (a collection pruned it): not in the backup", to, f);
          }
        }
      }
    }
  }

  /**
   * Copies {@code DATA/log/violations.jsonl} without the lines after the checkpoint's cursor. Lines
   * the file had not received yet are copied from the catalog by the restored server at its start.
   *
   * @return the lines copied
   */
  private long copyViolations(Path to, long cursor) throws IOException {
    Path src = dataDir.resolve("log").resolve("violations.jsonl");
    if (!Files.exists(src)) {
      return 0;
    }
    Path dst = Files.createDirectories(to.resolve("log")).resolve("violations.jsonl");
    long lines = 0;
    try (BufferedReader in = Files.newBufferedReader(src, StandardCharsets.UTF_8);
        BufferedWriter out = Files.newBufferedWriter(dst, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        long c = cursorOf(line);
        if (c > 0 && c <= cursor) {
          out.write(line);
          out.write('\n');
          lines++;
        }
      }
    }
    try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    return lines;
  }

  private static long cursorOf(String line) {
    try {
      JsonNode o = JSON.readTree(line);
      return o != null && o.has("cursor") ? o.get("cursor").asLong() : 0;
    } catch (IOException e) {
      return 0; // a line cut by a crash: not copied
    }
  }

  /** Copies a blob file, checking its SHA-512 and size on the way; the copy is read-only as blobs are. */
  private static void copy(Path src, Path dst, BlobRecord b) throws IOException {
    Path tmp = dst.resolveSibling(dst.getFileName() + ".tmp");
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long n;
    try (InputStream in = new DigestInputStream(Files.newInputStream(src), md);
        OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
      n = in.transferTo(out);
    }
    String hex = HexFormat.of().formatHex(md.digest());
    if (n != b.size() || !hex.equals(b.sha512().hex())) {
      Files.deleteIfExists(tmp);
      throw new Unfit("its file has " + n + " bytes hashing to " + hex);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the copy stays as written
    }
    Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A blob file that does not hold what its record says: left out of the backup, reported. */
  private static final class Unfit extends IOException {
    Unfit(String message) {
      super(message);
    }
  }

  /** The manifest's content, as a map for JSON. */
  static Map<String, Object> json(BackupReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", 1);
    m.put("directory", r.directory().toString());
    m.put("time", r.time().toString());
    m.put("store", r.storeId());
    List<Map<String, Object>> sets = new ArrayList<>();
    for (BackupReport.SetState s : r.sets()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", s.name());
      o.put("state", s.seal().isPresent() ? "sealed" : "filling");
      s.seal().ifPresent(seal -> {
        Map<String, Object> so = new LinkedHashMap<>();
        so.put("digest", seal.digest());
        so.put("entries", seal.entries());
        so.put("at", seal.at().toString());
        o.put("seal", so);
      });
      sets.add(o);
    }
    m.put("sets", sets);
    Map<String, Object> blobs = new LinkedHashMap<>();
    blobs.put("count", r.blobs());
    blobs.put("bytes", r.bytes());
    blobs.put("linked", r.linked());
    blobs.put("copied", r.copied());
    blobs.put("missing", r.missing().stream().map(Digest::hex).toList());
    r.blobsIn().ifPresent(in -> blobs.put("in", in));
    m.put("blobs", blobs);
    Map<String, Object> violations = new LinkedHashMap<>();
    violations.put("count", r.violations());
    violations.put("cursor", r.violationCursor());
    violations.put("fileLines", r.violationLines());
    m.put("violations", violations);
    m.put("auditCursor", r.auditCursor());
    return m;
  }
}
