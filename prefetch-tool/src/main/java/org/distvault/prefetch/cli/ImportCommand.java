package org.distvault.prefetch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.TransferReport.FileOutcome;
import org.distvault.prefetch.cli.TransferReport.Outcome;
import org.distvault.prefetch.client.AdminApiException;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code distvault import DIR}: fills a set from what {@code distvault export} wrote (see {@link
 * ExportLayout}) and seals it. Every file is checked against all the manifest's digests of its
 * blob before it is uploaded, and the server checks them again; a set with a file that does not
 * match is left filling (fail closed), so that a seal never describes a tampered export.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
        "Fills a set from an export directory and seals it.",
        "Reads DIR/.distvault/manifest.jsonl and seal.json, uploads the manifest to the set (by default the "
            + "exported set's name), checks each distfile against every digest the manifest lists for its blob "
            + "before uploading it (the server checks them again; --jobs files at once), binds it, and seals the "
            + "set. --report writes both seals and the outcome of every file as JSON. Blobs the server "
            + "already holds are bound without uploading, so running import again does only what is left.",
        "A file that is missing or does not match its digests is reported and skipped, and the set is then left "
            + "filling, not sealed: a seal never covers a damaged export. Prints the exported and the new seal; "
            + "when the set binds the same names to the same blobs, they have the same digest.",
        "Exit 0 when the set is sealed with the exported seal's digest, 1 when a file failed or the digests "
            + "differ, 2 for bad usage or an unreadable export."})
public final class ImportCommand implements Callable<Integer> {
  static final String REASON = "import";
  /** Entries per have request (the server's limit). */
  static final int HAVE_CHUNK = 10_000;
  /** Outcome lines per request. */
  static final int OUTCOME_CHUNK = 10_000;

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "DIR", description = "The directory distvault export wrote")
  Path dir;

  @Option(names = "--set", paramLabel = "NAME",
      description = "The set to fill and seal (default: the exported set's name, from seal.json)")
  String setName;

  @Mixin TransferOptions transfer;

  /** One manifest line of the export. */
  record Line(ObjectNode manifestLine, String name, Digests digests, Optional<String> sha512, long size) {}

  /** One blob to bind: the lines bound to it, and whether the server already holds it. */
  private record Blob(String sha512, List<Line> lines, boolean held) {}

  private String set;
  private JsonNode exported;
  private JsonNode imported;
  private final List<FileOutcome> files = new ArrayList<>();

  @Override
  public Integer call() throws CliException, IOException {
    transfer.check();
    // The layout's paths are absolute: a relative DIR must be too, to name files relative to it.
    dir = dir.toAbsolutePath().normalize();
    return transfer.run(this::importSet, this::report, spec.commandLine().getErr());
  }

  private int importSet() throws CliException, IOException {
    exported = readSeal();
    set = SetNameArg.check(setName != null ? setName : exported.path("set").asText());
    List<Line> lines = readManifest();
    AdminCalls client = server.client();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();

    Optional<JsonNode> current = existing(client, set);
    if (current.isPresent() && current.get().path("state").asText().equals("sealed")) {
      JsonNode seal = current.get().path("seal");
      printSeals(out, set, exported, seal);
      if (seal.path("digest").equals(exported.path("digest"))) {
        imported = seal;
        out.println("set " + set + " is already sealed with the exported seal: nothing to do");
        out.flush();
        return ExitCode.OK;
      }
      throw new CliException(ExitCode.USAGE, "set " + set + " is sealed with another seal: unseal it "
          + "(`distvault unseal " + set + "`) or import into another set (--set)");
    }

    uploadManifest(client, set, lines);

    // The blobs to bind, each with every digest the manifest gives it, and the lines bound to it.
    Map<String, List<Line>> byBlob = new LinkedHashMap<>();
    for (Line l : lines) {
      l.sha512().ifPresent(h -> byBlob.computeIfAbsent(h, k -> new ArrayList<>()).add(l));
    }
    List<Line> bound = byBlob.values().stream().flatMap(List::stream).toList();
    boolean[] held = have(client, set, bound);
    Map<String, Boolean> blobHeld = new HashMap<>();
    for (int i = 0; i < bound.size(); i++) {
      blobHeld.merge(bound.get(i).sha512().get(), held[i], Boolean::logicalAnd);
    }
    List<Blob> blobs = byBlob.entrySet().stream()
        .map(b -> new Blob(b.getKey(), b.getValue(), blobHeld.getOrDefault(b.getKey(), false))).toList();

    long total = blobs.stream().mapToLong(b -> b.lines().get(0).size()).sum();
    err.println("import " + set + ": " + blobs.size() + " blobs, " + TransferProgress.size(total) + " from " + dir);
    TransferProgress progress = transfer.progress(err, "import " + set, blobs.size(), total);
    List<FileOutcome> done = transfer.map(blobs, "import", b -> {
      FileOutcome o = importOne(client, b, err);
      progress.file(b.lines().get(0).size());
      return o;
    });
    progress.end();
    files.addAll(done);
    // Bound in the manifest's order, failures sorted: the same requests and text whatever finished first.
    List<Line> toBind = new ArrayList<>();
    Map<String, String> failed = new TreeMap<>();
    for (int i = 0; i < blobs.size(); i++) {
      List<Line> ls = blobs.get(i).lines();
      if (done.get(i).outcome() == Outcome.UPLOADED) {
        toBind.addAll(ls);
      } else if (done.get(i).outcome() == Outcome.FAILED) {
        failed.put(ls.get(0).name() + (ls.size() > 1 ? " (and " + (ls.size() - 1) + " more)" : ""),
            done.get(i).reason());
      }
    }
    bind(client, set, toBind);

    TransferReport.ImportCounts counts = TransferReport.ImportCounts.of(files);
    out.println("uploaded: " + counts.uploaded());
    out.println("already held: " + counts.alreadyHeld());
    out.println("failed: " + failed.size());
    failed.forEach((n, why) -> out.println("  " + n + ": " + why));
    if (!failed.isEmpty()) {
      out.println("set " + set + " is left filling, not sealed: fix or re-export the files above and run import "
          + "again");
      out.println("exported seal " + exported.path("digest").asText());
      out.flush();
      return ExitCode.FAILED;
    }
    ObjectNode request = AdminCalls.JSON.createObjectNode().put("state", "sealed").put("reason", REASON);
    imported = client.send("PUT", "api/v1/sets/" + set + "/state", request.toString()).path("seal");
    printSeals(out, set, exported, imported);
    boolean same = sealsEqual();
    out.println(same ? "the seals are equal: set " + set + " binds what was exported"
        : "THE SEALS DIFFER: set " + set + " does not bind exactly what was exported (it is sealed; see "
            + "`distvault sets`)");
    out.flush();
    return same ? ExitCode.OK : ExitCode.FAILED;
  }

  /** Uploads one blob unless the server holds it; a failure is its outcome, not an exception. */
  private FileOutcome importOne(AdminCalls client, Blob b, PrintWriter err) {
    Line first = b.lines().get(0);
    if (b.held()) {
      return new FileOutcome(first.name(), null, b.sha512(), first.size(), Outcome.ALREADY_HELD, null);
    }
    try {
      String path = dir.relativize(upload(client, b.sha512(), b.lines())).toString();
      err.println("import " + set + ": uploaded " + path);
      return new FileOutcome(first.name(), path, b.sha512(), first.size(), Outcome.UPLOADED, null);
    } catch (IOException | CliException | IllegalArgumentException e) {
      return FileOutcome.failed(first.name(), null, b.sha512(), first.size(), e.getMessage());
    }
  }

  private boolean sealsEqual() {
    return exported != null && imported != null && imported.path("digest").equals(exported.path("digest"));
  }

  /** The --report of an import that ended with {@code code}. */
  private TransferReport.Import report(int code, String error) {
    return new TransferReport.Import(set, dir.toString(),
        exported == null ? null : TransferReport.Seal.of(exported.path("set").asText(), exported),
        imported == null ? null : TransferReport.Seal.of(set, imported), sealsEqual(), transfer.jobs, code, error,
        TransferReport.ImportCounts.of(files), TransferReport.sorted(files));
  }

  private static void printSeals(PrintWriter out, String set, JsonNode exported, JsonNode seal) {
    out.println("exported seal: " + exported.path("digest").asText() + " (" + exported.path("entries").asLong()
        + " entries, set " + exported.path("set").asText() + ", " + exported.path("at").asText() + ")");
    out.println("imported seal: " + seal.path("digest").asText() + " (" + seal.path("entries").asLong()
        + " entries, set " + set + ", " + seal.path("at").asText() + ")");
  }

  private JsonNode readSeal() throws CliException {
    Path file = ExportLayout.meta(dir).resolve(ExportLayout.SEAL);
    try {
      JsonNode s = AdminCalls.JSON.readTree(file.toFile());
      if (s == null || !s.path("digest").isTextual() || !s.path("set").isTextual()) {
        throw new CliException(ExitCode.USAGE, file + ": not a seal (needs \"set\" and \"digest\")");
      }
      return s;
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage()
          + " (is " + dir + " a directory distvault export wrote?)", e);
    }
  }

  private List<Line> readManifest() throws CliException {
    Path file = ExportLayout.meta(dir).resolve(ExportLayout.MANIFEST);
    List<Line> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String text = r.readLine(); text != null; text = r.readLine()) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        try {
          out.add(line(text));
        } catch (IOException | IllegalArgumentException e) {
          throw new CliException(ExitCode.USAGE, file + " line " + number + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static Line line(String text) throws IOException {
    JsonNode n = AdminCalls.JSON.readTree(text);
    if (n == null || !n.isObject() || !n.path("name").isTextual() || !n.path("digests").isObject()) {
      throw new IOException("not a manifest line with a name and digests");
    }
    Map<String, String> hex = new LinkedHashMap<>();
    n.path("digests").fields().forEachRemaining(f -> hex.put(f.getKey(), f.getValue().asText()));
    Digests digests = Digests.fromHex(hex);
    Optional<String> sha512 = Optional.empty();
    if (n.path("sha512").isTextual()) {
      Digest d = Digest.fromHex(DigestAlgorithm.SHA512, n.path("sha512").asText());
      digests = digests.merge(Digests.of(List.of(d)));
      sha512 = Optional.of(d.hex());
    }
    if (sha512.isPresent() && !n.path("size").isIntegralNumber()) {
      throw new IOException("a bound line needs its size");
    }
    ObjectNode m = ((ObjectNode) n).deepCopy();
    m.remove("sha512");
    return new Line(m, n.path("name").asText(), digests, sha512, n.path("size").asLong(-1));
  }

  private static Optional<JsonNode> existing(AdminCalls client, String set) throws CliException {
    try {
      return Optional.of(client.get("api/v1/sets/" + set));
    } catch (CliException e) {
      if (e.getCause() instanceof AdminApiException a && a.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The manifest without the sha512 fields; creates the set when it is new. Replaying is harmless. */
  private void uploadManifest(AdminCalls client, String set, List<Line> lines) throws IOException, CliException {
    Path tmp = Files.createTempFile("distvault-import", ".jsonl");
    try {
      try (OutputStream o = Files.newOutputStream(tmp)) {
        for (Line l : lines) {
          o.write(AdminCalls.JSON.writeValueAsBytes(l.manifestLine()));
          o.write('\n');
        }
      }
      client.post("api/v1/sets/" + set + "/manifest", "application/x-ndjson", tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Which lines' blobs the server holds; it binds those into the set now. */
  private static boolean[] have(AdminCalls client, String set, List<Line> lines) throws CliException {
    boolean[] held = new boolean[lines.size()];
    for (int from = 0; from < lines.size(); from += HAVE_CHUNK) {
      ObjectNode request = AdminCalls.JSON.createObjectNode();
      ArrayNode entries = request.putArray("entries");
      List<Line> chunk = lines.subList(from, Math.min(lines.size(), from + HAVE_CHUNK));
      for (Line l : chunk) {
        ObjectNode e = entries.addObject();
        e.put("name", l.name());
        JsonNode pkgpaths = l.manifestLine().path("pkgpaths");
        if (pkgpaths.isArray() && !pkgpaths.isEmpty()) {
          e.put("pkgpath", pkgpaths.get(0).asText());
        }
        ObjectNode d = e.putObject("digests");
        l.digests().toHexMap().forEach(d::put);
        e.put("size", l.size());
      }
      JsonNode reply = client.send("POST", "api/v1/sets/" + set + "/have", request.toString());
      for (JsonNode i : reply.path("present")) {
        int index = i.asInt(-1);
        if (index >= 0 && index < chunk.size()) {
          held[from + index] = true;
        }
      }
    }
    return held;
  }

  /**
   * Finds the blob's file (its variants/ copy, else a DISTDIR file of a name bound to it), checks
   * it against every digest the manifest gives the blob, and uploads it.
   */
  private Path upload(AdminCalls client, String hex, List<Line> lines) throws IOException, CliException {
    Digests expected = Digests.empty();
    for (Line l : lines) {
      expected = expected.merge(l.digests());
    }
    long size = lines.get(0).size();
    List<Path> candidates = new ArrayList<>();
    candidates.add(ExportLayout.variant(dir, hex));
    for (Line l : lines) {
      candidates.add(ExportLayout.distfile(dir, l.name()));
    }
    Path file = null;
    String mismatch = null;
    for (Path c : candidates) {
      if (!Files.isRegularFile(c)) {
        continue;
      }
      String why = check(c, expected, size);
      if (why == null) {
        file = c;
        break;
      }
      mismatch = mismatch == null ? dir.relativize(c) + ": " + why : mismatch;
    }
    if (file == null) {
      throw new IOException(mismatch != null ? "tampered or damaged, skipped: " + mismatch
          : "no file in the export holds blob " + hex + " (looked for " + candidates.stream()
              .map(c -> dir.relativize(c).toString()).toList() + ")");
    }
    StringJoiner extra = new StringJoiner(",");
    for (Digest d : expected.asMap().values()) {
      if (d.algorithm() != DigestAlgorithm.SHA512) {
        extra.add(d.algorithm().urlName() + "=" + d.hex());
      }
    }
    JsonNode reply = client.put("api/v1/blobs/sha512/" + hex, file,
        extra.length() > 0 ? Map.of("X-Distvault-Digests", extra.toString()) : Map.of());
    if (!reply.path("sha512").asText().equalsIgnoreCase(hex)) {
      throw new IOException("the server stored " + reply.path("sha512").asText() + ", expected " + hex);
    }
    return file;
  }

  /** Null when the file has the size and every digest; else what differs. */
  private static String check(Path file, Digests expected, long size) throws IOException {
    if (Files.size(file) != size) {
      return "size " + Files.size(file) + ", expected " + size;
    }
    EnumSet<DigestAlgorithm> algorithms = EnumSet.noneOf(DigestAlgorithm.class);
    algorithms.addAll(expected.algorithms());
    try {
      ExportLayout.hash(file, algorithms).verify(expected);
      return null;
    } catch (DigestMismatchException e) {
      return e.getMessage();
    }
  }

  /** Binds the uploaded blobs to their names in the set: outcome {@code ok} with the blob. */
  private static void bind(AdminCalls client, String set, List<Line> lines) throws IOException, CliException {
    for (int from = 0; from < lines.size(); from += OUTCOME_CHUNK) {
      StringBuilder body = new StringBuilder();
      for (Line l : lines.subList(from, Math.min(lines.size(), from + OUTCOME_CHUNK))) {
        ObjectNode o = AdminCalls.JSON.createObjectNode();
        o.put("name", l.name());
        o.set("pkgpaths", l.manifestLine().path("pkgpaths").isArray() ? l.manifestLine().path("pkgpaths")
            : AdminCalls.JSON.createArrayNode());
        o.set("digests", l.manifestLine().path("digests"));
        o.put("status", "ok");
        o.put("sha512", l.sha512().orElseThrow());
        body.append(o).append('\n');
      }
      Path tmp = Files.createTempFile("distvault-import", ".jsonl");
      try {
        Files.writeString(tmp, body, StandardCharsets.UTF_8);
        client.post("api/v1/sets/" + set + "/outcomes", "application/x-ndjson", tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
