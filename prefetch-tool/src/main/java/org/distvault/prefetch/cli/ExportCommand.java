package org.distvault.prefetch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.distvault.prefetch.cli.TransferReport.FileOutcome;
import org.distvault.prefetch.cli.TransferReport.Outcome;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code distvault export NAME --to DIR}: writes a sealed set as a directory that needs no
 * distvault to use (see {@link ExportLayout}): every bound distfile in pkgsrc's DISTDIR layout,
 * fetched by content address ({@code /by-hash/sha512/<hex>}), streamed, verified while written
 * and renamed into place; the manifest and the seal beside them in {@code .distvault/}.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
        "Writes a sealed set to a directory for an air-gapped site.",
        "DIR gets every distfile the set binds in pkgsrc's DISTDIR layout (a name with a DIST_SUBDIR in that "
            + "subdirectory, so that DISTDIR=DIR works for a plain pkgsrc build), plus "
            + "DIR/.distvault/manifest.jsonl (every variant of the set with all its digests and the blob it is bound "
            + "to) and DIR/.distvault/seal.json (the set's seal). "
            + "A name bound to several contents (packages expecting different files under one name) has each content "
            + "in DIR/.distvault/variants/SHA512HEX and the one of its first variant in DIR/name; the report lists "
            + "them.",
        "Each file is fetched from the server by its SHA-512, streamed into a temporary file beside it, checked "
            + "against that SHA-512 and only then renamed into place; --jobs files at once. Running export again "
            + "skips files already there with the right size and SHA-512. --report writes the outcome of every "
            + "file as JSON.",
        "Exit 0 when every bound distfile is in DIR, 1 when one could not be exported, 2 for a set that is not "
            + "sealed or bad usage."})
public final class ExportCommand implements Callable<Integer> {
  /** Bounds the paging through the listing. */
  static final int MAX_PAGES = 100_000;

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "NAME", description = "The sealed set to export")
  String name;

  @Option(names = "--to", required = true, paramLabel = "DIR",
      description = "The directory to write (created if missing; an earlier export there is resumed)")
  Path to;

  /** Names per listing request; hidden, for tests that page through a small set. */
  @Option(names = "--listing-page", hidden = true, paramLabel = "N", defaultValue = "1000")
  int listingPage;

  @Mixin TransferOptions transfer;

  /** One file to write: where, for which name, which blob, how big; the label names it on stdout. */
  private record Target(Path path, String name, String label, String sha512, long size) {}

  private JsonNode seal;
  private final List<FileOutcome> files = new ArrayList<>();
  private final List<JsonNode> unbound = new ArrayList<>();
  private final Map<String, List<JsonNode>> conflicts = new TreeMap<>();

  @Override
  public Integer call() throws CliException, IOException {
    SetNameArg.check(name);
    if (listingPage < 1 || listingPage > 10_000) {
      throw new CliException(ExitCode.USAGE, "--listing-page must be from 1 to 10000");
    }
    if (Files.exists(to) && !Files.isDirectory(to)) {
      throw new CliException(ExitCode.USAGE, "--to " + to + " exists and is not a directory");
    }
    transfer.check();
    // The layout's paths are absolute: DIR must be too, to name files relative to it in the report.
    to = to.toAbsolutePath().normalize();
    return transfer.run(this::export, this::report, spec.commandLine().getErr());
  }

  private int export() throws CliException {
    AdminCalls client = server.client();
    JsonNode set = client.get("api/v1/sets/" + name);
    if (!set.path("state").asText().equals("sealed")) {
      throw new CliException(ExitCode.USAGE, "set " + name + " is " + set.path("state").asText()
          + ", not sealed: export takes a sealed set (`distvault seal " + name + "` first)");
    }
    seal = set.path("seal");
    List<JsonNode> entries = listing(client, seal);
    try {
      Files.createDirectories(ExportLayout.meta(to));
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot create --to " + to + ": " + e, e);
    }

    List<Target> targets = targets(entries);
    PrintWriter err = spec.commandLine().getErr();
    long total = targets.stream().mapToLong(Target::size).sum();
    err.println("export " + name + ": " + targets.size() + " files, " + TransferProgress.size(total) + " to " + to);
    TransferProgress progress = transfer.progress(err, "export " + name, targets.size(), total);
    List<FileOutcome> done = transfer.map(targets, "export", t -> {
      FileOutcome o = exportOne(client, t);
      progress.file(t.size());
      return o;
    });
    progress.end();

    writeManifest(entries);
    writeSeal(seal);
    // Failures by their label (a variant's names its content), sorted: the same text whatever finished first.
    Map<String, String> failed = new TreeMap<>();
    files.stream().filter(f -> f.outcome() == Outcome.FAILED).forEach(f -> failed.put(f.name(), f.reason()));
    for (int i = 0; i < done.size(); i++) {
      if (done.get(i).outcome() == Outcome.FAILED) {
        failed.put(targets.get(i).label(), done.get(i).reason());
      }
    }
    files.addAll(done);
    printReport(failed);
    return failed.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
  }

  /**
   * What to write: one file per bound name; a name bound to several contents gets each in
   * variants/ too. Names that cannot be written are failed outcomes at once.
   */
  private List<Target> targets(List<JsonNode> entries) {
    Map<String, List<JsonNode>> byName = new LinkedHashMap<>();
    entries.forEach(e -> byName.computeIfAbsent(e.path("name").asText(), k -> new ArrayList<>()).add(e));
    // By path: two names bound to one content share its variants/ file, which one thread writes.
    Map<Path, Target> targets = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> n : byName.entrySet()) {
      Map<String, JsonNode> contents = new LinkedHashMap<>();
      for (JsonNode v : n.getValue()) {
        if (v.path("blobMissing").asBoolean(false)) {
          files.add(FileOutcome.failed(n.getKey(), null, v.path("sha512").asText(), v.path("size").asLong(),
              "bound to blob " + v.path("sha512").asText() + ", which the server no longer holds"));
        } else if (v.path("sha512").isTextual()) {
          contents.putIfAbsent(v.path("sha512").asText(), v);
        } else {
          unbound.add(v);
        }
      }
      if (contents.isEmpty()) {
        continue;
      }
      JsonNode first = contents.values().iterator().next();
      try {
        Path p = ExportLayout.distfile(to, n.getKey());
        targets.putIfAbsent(p, new Target(p, n.getKey(), n.getKey(), first.path("sha512").asText(),
            first.path("size").asLong()));
      } catch (IOException e) {
        files.add(FileOutcome.failed(n.getKey(), null, first.path("sha512").asText(), first.path("size").asLong(),
            e.getMessage()));
        continue;
      }
      if (contents.size() > 1) {
        conflicts.put(n.getKey(), new ArrayList<>(contents.values()));
        for (JsonNode v : contents.values()) {
          String hex = v.path("sha512").asText();
          Path p = ExportLayout.variant(to, hex);
          targets.putIfAbsent(p, new Target(p, n.getKey(), n.getKey() + " (" + hex.substring(0, 16) + "...)", hex,
              v.path("size").asLong()));
        }
      }
    }
    return new ArrayList<>(targets.values());
  }

  /** Writes one target unless it is already there; a failure is its outcome, not an exception. */
  private FileOutcome exportOne(AdminCalls client, Target t) {
    String path = to.relativize(t.path()).toString();
    try {
      if (alreadyThere(t)) {
        return new FileOutcome(t.name(), path, t.sha512(), t.size(), Outcome.ALREADY_PRESENT, null);
      }
      fetch(client, t);
      return new FileOutcome(t.name(), path, t.sha512(), t.size(), Outcome.EXPORTED, null);
    } catch (IOException | CliException e) {
      return FileOutcome.failed(t.name(), path, t.sha512(), t.size(), e.getMessage());
    }
  }

  /** Every variant of the set, page by page; each page must carry the seal the export started with. */
  private List<JsonNode> listing(AdminCalls client, JsonNode seal) throws CliException {
    List<JsonNode> out = new ArrayList<>();
    String after = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      String path = "api/v1/sets/" + name + "/listing?limit=" + listingPage
          + (after == null ? "" : "&after=" + queryValue(after));
      JsonNode reply = client.get(path);
      if (!reply.path("seal").equals(seal)) {
        throw new CliException(ExitCode.FAILED, "set " + name + " changed during the export (its seal is now "
            + reply.path("seal") + ", was " + seal + "): run export again");
      }
      reply.path("entries").forEach(out::add);
      if (!reply.path("next").isTextual()) {
        return out;
      }
      after = reply.path("next").asText();
    }
    throw new CliException(ExitCode.FAILED, "set " + name + ": more than " + MAX_PAGES + " listing pages");
  }

  /**
   * A distfile name as a query value: percent-encoded (a literal {@code %2B} in a name is sent as
   * {@code %252B}), except {@code /}, which the server does not decode in a query and is sent as is.
   */
  static String queryValue(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /** Whether the target already holds the right content (a resumed export). */
  private static boolean alreadyThere(Target t) throws IOException {
    if (!Files.isRegularFile(t.path()) || Files.size(t.path()) != t.size()) {
      return false;
    }
    return ExportLayout.hash(t.path(), Set.of(DigestAlgorithm.SHA512)).get(DigestAlgorithm.SHA512)
        .map(d -> d.hex().equals(t.sha512())).orElse(false);
  }

  /** Fetches the blob into a temporary file beside the target, checks its SHA-512, renames it. */
  private static void fetch(AdminCalls client, Target t) throws IOException, CliException {
    Path dir = t.path().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + t.path().getFileName() + ".distvault-part");
    try {
      Digests got;
      try (ExportLayout.Hashing out = new ExportLayout.Hashing(Files.newOutputStream(tmp),
          Set.of(DigestAlgorithm.SHA512))) {
        client.download("by-hash/sha512/" + t.sha512(), out);
        out.flush();
        got = out.digester.finish();
      }
      String actual = got.get(DigestAlgorithm.SHA512).orElseThrow().hex();
      if (!actual.equals(t.sha512())) {
        throw new IOException("the server sent content with SHA-512 " + actual + ", expected " + t.sha512()
            + ": not kept");
      }
      if (Files.size(tmp) != t.size()) {
        throw new IOException("the server sent " + Files.size(tmp) + " bytes, expected " + t.size() + ": not kept");
      }
      try {
        Files.move(tmp, t.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, t.path(), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void writeManifest(List<JsonNode> entries) throws CliException {
    Path file = ExportLayout.meta(to).resolve(ExportLayout.MANIFEST);
    OutputFile.write("--to", file, out -> {
      for (JsonNode e : entries) {
        ObjectNode line = AdminCalls.JSON.createObjectNode();
        line.set("name", e.path("name"));
        line.set("pkgpaths", e.path("pkgpaths"));
        if (e.path("size").isIntegralNumber()) {
          line.set("size", e.path("size"));
        }
        line.set("digests", e.path("digests"));
        line.set("urls", e.path("urls").isArray() ? e.path("urls") : AdminCalls.JSON.createArrayNode());
        line.set("sha512", e.path("sha512").isTextual() ? e.path("sha512") : AdminCalls.JSON.nullNode());
        out.write(AdminCalls.JSON.writeValueAsBytes(line));
        out.write('\n');
      }
    });
  }

  private void writeSeal(JsonNode seal) throws CliException {
    ObjectNode s = AdminCalls.JSON.createObjectNode();
    s.put("set", name);
    s.set("digest", seal.path("digest"));
    s.set("entries", seal.path("entries"));
    s.set("at", seal.path("at"));
    OutputFile.write("--to", ExportLayout.meta(to).resolve(ExportLayout.SEAL), out -> {
      out.write(AdminCalls.JSON.writeValueAsBytes(s));
      out.write('\n');
    });
  }

  private void printReport(Map<String, String> failed) {
    PrintWriter out = spec.commandLine().getOut();
    out.println("set " + name + ": seal " + seal.path("digest").asText() + " (" + seal.path("entries").asLong()
        + " entries, " + seal.path("at").asText() + ")");
    TransferReport.ExportCounts counts = TransferReport.ExportCounts.of(files, unbound.size(), conflicts.size());
    out.println("exported: " + counts.exported() + " (" + TransferProgress.size(counts.bytesExported()) + ")");
    out.println("already present: " + counts.alreadyPresent());
    out.println("failed: " + failed.size());
    failed.forEach((n, why) -> out.println("  " + n + ": " + why));
    out.println("unbound (not in the seal, not exported): " + unbound.size());
    unbound.forEach(v -> out.println("  " + v.path("name").asText() + "\t" + pkgpathText(v)));
    out.println("conflicts (one name, several contents; each in " + ExportLayout.META + "/" + ExportLayout.VARIANTS
        + "/, the first in DISTDIR): " + conflicts.size());
    conflicts.forEach((n, vs) -> {
      boolean first = true;
      for (JsonNode v : vs) {
        out.println("  " + n + "\t" + v.path("sha512").asText() + "\t" + pkgpathText(v)
            + (first ? "\tin DISTDIR" : ""));
        first = false;
      }
    });
    out.flush();
  }

  /** The --report of an export that ended with {@code code}. */
  private TransferReport.Export report(int code, String error) {
    List<TransferReport.Unbound> unboundOut = unbound.stream()
        .map(v -> new TransferReport.Unbound(v.path("name").asText(), pkgpaths(v))).toList();
    List<TransferReport.Conflict> conflictsOut = new ArrayList<>();
    conflicts.forEach((n, vs) -> {
      List<TransferReport.Variant> variants = new ArrayList<>();
      for (JsonNode v : vs) {
        variants.add(new TransferReport.Variant(v.path("sha512").asText(), v.path("size").asLong(), pkgpaths(v),
            variants.isEmpty()));
      }
      conflictsOut.add(new TransferReport.Conflict(n, variants));
    });
    return new TransferReport.Export(name, to.toString(),
        seal == null ? null : TransferReport.Seal.of(name, seal), transfer.jobs, code, error,
        TransferReport.ExportCounts.of(files, unbound.size(), conflicts.size()),
        TransferReport.sorted(files), unboundOut, conflictsOut);
  }

  private static List<String> pkgpaths(JsonNode v) {
    Set<String> p = new LinkedHashSet<>();
    v.path("pkgpaths").forEach(x -> p.add(x.asText()));
    return List.copyOf(p);
  }

  private static String pkgpathText(JsonNode v) {
    List<String> p = pkgpaths(v);
    return p.isEmpty() ? "-" : String.join(",", p);
  }

}
