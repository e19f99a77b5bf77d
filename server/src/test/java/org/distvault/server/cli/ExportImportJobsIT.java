package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} and {@code import} with {@code --jobs} and {@code --report}, on a set of 40 small
 * files (every fourth in a DIST_SUBDIR) and two of 1 MiB: parallel transfers write the same bytes
 * as one at a time, a resumed export does only what is left, a tampered file fails alone, and the
 * reports have exactly the documented fields.
 */
@Timeout(300)
class ExportImportJobsIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SET = "jobs";
  static final List<String> EXPORT_FIELDS = List.of("set", "to", "seal", "jobs", "exitCode", "error", "counts",
      "files", "unbound", "conflicts");
  static final List<String> EXPORT_COUNTS = List.of("files", "exported", "bytesExported", "alreadyPresent", "failed",
      "unbound", "conflicts");
  static final List<String> IMPORT_FIELDS = List.of("set", "from", "exportedSeal", "importedSeal", "sealsEqual",
      "jobs", "exitCode", "error", "counts", "files");
  static final List<String> IMPORT_COUNTS = List.of("blobs", "uploaded", "bytesUploaded", "alreadyHeld", "failed");
  static final List<String> FILE_FIELDS = List.of("name", "path", "sha512", "bytes", "outcome", "reason");
  static final List<String> SEAL_FIELDS = List.of("set", "digest", "entries", "at");

  @TempDir Path data;
  @TempDir Path data2;
  @TempDir Path tmp;
  private CliServer a;
  private CliServer b;
  /** Name to content, sorted by name as the reports list the files. */
  private final Map<String, byte[]> contents = new TreeMap<>();
  private long totalBytes;

  @BeforeEach
  void start() throws Exception {
    a = CliServer.start(data);
    Upstream up = a.upstream();
    for (int i = 0; i < 40; i++) {
      contents.put((i % 4 == 0 ? "sub/" : "") + String.format("small-%02d.tgz", i),
          TestContent.bytes(100 + i, 1000 + 37 * i));
    }
    contents.put("big-1.tgz", TestContent.bytes(201, 1 << 20));
    contents.put("big-2.tgz", TestContent.bytes(202, 1 << 20));
    List<ExpectedDistfile> entries = new ArrayList<>();
    for (Map.Entry<String, byte[]> c : contents.entrySet()) {
      String path = "/" + c.getKey().replace('/', '_');
      up.on(path, Upstream.file(c.getValue()));
      entries.add(TestContent.entry(c.getKey(), "cat/" + c.getKey().replaceAll("\\W", ""), c.getValue(),
          up.url(path)));
      totalBytes += c.getValue().length;
    }
    Path manifest = CliServer.writeManifest(tmp.resolve("manifest.jsonl"), entries);
    CliRun prefetch = a.cli("prefetch", "--set", SET, "--manifest", manifest.toString(),
        "--report", tmp.resolve("prefetch.json").toString());
    assertEquals(0, prefetch.code(), prefetch.toString());
    CliRun seal = a.cli("seal", SET);
    assertEquals(0, seal.code(), seal.toString());
  }

  @AfterEach
  void stop() throws IOException {
    try {
      if (b != null) {
        b.close();
      }
    } finally {
      a.close();
    }
  }

  @Test
  void exportWithFourJobsWritesTheSameBytesAsWithOne() throws Exception {
    Path one = tmp.resolve("one");
    Path four = tmp.resolve("four");
    CliRun serial = a.cli("export", SET, "--to", one.toString(), "--jobs", "1",
        "--report", tmp.resolve("one.json").toString());
    assertEquals(0, serial.code(), serial.toString());
    CliRun parallel = a.cli("export", SET, "--to", four.toString(), "--jobs", "4",
        "--report", tmp.resolve("four.json").toString());
    assertEquals(0, parallel.code(), parallel.toString());

    Map<String, byte[]> wrote = files(four);
    assertEquals(files(one).keySet(), wrote.keySet());
    files(one).forEach((p, bytes) -> assertArrayEquals(bytes, wrote.get(p), p));
    contents.forEach((n, bytes) -> assertArrayEquals(bytes, wrote.get(n), n));
    assertEquals(contents.size() + 2, wrote.size(), "the distfiles, manifest.jsonl and seal.json: " + wrote.keySet());
    assertEquals(serial.out(), parallel.out(), "the summary does not depend on the order files finished in");
    assertTrue(parallel.err().contains("export " + SET + ": 42/42 files, " + sizeText(totalBytes) + "/"
        + sizeText(totalBytes) + "\n"), parallel.err());

    JsonNode seal = set(a).path("seal");
    JsonNode r = report(tmp.resolve("four.json"));
    assertEquals(EXPORT_FIELDS, fieldNames(r));
    assertEquals(SET, r.path("set").asText());
    assertEquals(four.toAbsolutePath().toString(), r.path("to").asText());
    assertEquals(SEAL_FIELDS, fieldNames(r.path("seal")));
    assertEquals(SET, r.path("seal").path("set").asText());
    assertEquals(seal.path("digest").asText(), r.path("seal").path("digest").asText());
    assertEquals(42, r.path("seal").path("entries").asLong());
    assertEquals(seal.path("at").asText(), r.path("seal").path("at").asText());
    assertEquals(4, r.path("jobs").asInt());
    assertEquals(0, r.path("exitCode").asInt());
    assertTrue(r.path("error").isNull(), r.toString());
    assertEquals(exportCounts(42, 42, totalBytes, 0, 0), counts(r));
    assertEquals(List.copyOf(contents.keySet()), names(r));
    for (JsonNode f : r.path("files")) {
      String n = f.path("name").asText();
      assertEquals(FILE_FIELDS, fieldNames(f), f.toString());
      assertEquals(n, f.path("path").asText());
      assertEquals(TestContent.sha512(contents.get(n)), f.path("sha512").asText());
      assertEquals(contents.get(n).length, f.path("bytes").asLong());
      assertEquals("exported", f.path("outcome").asText());
      assertTrue(f.path("reason").isNull(), f.toString());
    }
    assertEquals(JSON.createArrayNode(), r.path("unbound"));
    assertEquals(JSON.createArrayNode(), r.path("conflicts"));
    JsonNode serialReport = report(tmp.resolve("one.json"));
    assertEquals(1, serialReport.path("jobs").asInt());
    assertEquals(r.path("files"), serialReport.path("files"));
  }

  @Test
  void aResumedParallelExportTransfersOnlyWhatIsLeft() throws Exception {
    Path exp = tmp.resolve("export");
    // What an interrupted export leaves: 20 files whole, 5 cut short in place, 2 temporary files, the rest absent.
    List<String> names = List.copyOf(contents.keySet());
    List<String> whole = names.subList(0, 20);
    List<String> cut = names.subList(20, 25);
    for (String n : whole) {
      write(exp.resolve(n), contents.get(n));
    }
    for (String n : cut) {
      write(exp.resolve(n), Arrays.copyOf(contents.get(n), contents.get(n).length / 2));
    }
    for (String n : names.subList(25, 27)) {
      Path f = exp.resolve(n);
      write(f.resolveSibling("." + f.getFileName() + ".distvault-part"), new byte[] {1, 2, 3});
    }
    long left = names.subList(20, 42).stream().mapToLong(n -> contents.get(n).length).sum();

    CliRun resumed = a.cli("export", SET, "--to", exp.toString(), "--jobs", "4",
        "--report", tmp.resolve("resumed.json").toString());
    assertEquals(0, resumed.code(), resumed.toString());
    JsonNode r = report(tmp.resolve("resumed.json"));
    assertEquals(exportCounts(42, 22, left, 20, 0), counts(r));
    Map<String, String> outcomes = outcomes(r);
    Map<String, String> expected = new LinkedHashMap<>();
    names.forEach(n -> expected.put(n, whole.contains(n) ? "already-present" : "exported"));
    assertEquals(expected, outcomes);
    assertTrue(resumed.out().contains("\nexported: 22 (" + sizeText(left) + ")\nalready present: 20\nfailed: 0\n"),
        resumed.out());
    Map<String, byte[]> wrote = files(exp);
    contents.forEach((n, bytes) -> assertArrayEquals(bytes, wrote.get(n), n));
    assertEquals(contents.size() + 2, wrote.size(), "no temporary file is left: " + wrote.keySet());

    // Once more: nothing is left.
    CliRun again = a.cli("export", SET, "--to", exp.toString(), "--jobs", "8",
        "--report", tmp.resolve("again.json").toString());
    assertEquals(0, again.code(), again.toString());
    assertEquals(exportCounts(42, 0, 0, 42, 0), counts(report(tmp.resolve("again.json"))));
  }

  @Test
  void aTamperedFileFailsAloneInAParallelImportAndTheReportSaysWhy() throws Exception {
    Path exp = tmp.resolve("export");
    assertEquals(0, a.cli("export", SET, "--to", exp.toString(), "--jobs", "4").code());
    JsonNode seal = set(a).path("seal");
    byte[] bad = contents.get("big-2.tgz").clone();
    bad[500_000] ^= 1;
    Files.write(exp.resolve("big-2.tgz"), bad);

    b = CliServer.start(data2);
    Path reportFile = tmp.resolve("import.json");
    CliRun imp = b.command("import", exp.toString(), "--jobs", "4", "--report", reportFile.toString());
    assertEquals(1, imp.code(), imp.toString());
    assertTrue(imp.out().startsWith("uploaded: 41\nalready held: 0\nfailed: 1\n  big-2.tgz: tampered or damaged, "
        + "skipped: big-2.tgz: "), imp.out());
    JsonNode r = report(reportFile);
    assertEquals(IMPORT_FIELDS, fieldNames(r));
    assertEquals(SET, r.path("set").asText());
    assertEquals(exp.toAbsolutePath().toString(), r.path("from").asText());
    assertEquals(SEAL_FIELDS, fieldNames(r.path("exportedSeal")));
    assertEquals(seal.path("digest").asText(), r.path("exportedSeal").path("digest").asText());
    assertEquals(42, r.path("exportedSeal").path("entries").asLong());
    assertTrue(r.path("importedSeal").isNull(), "left filling: " + r);
    assertEquals(false, r.path("sealsEqual").booleanValue());
    assertEquals(4, r.path("jobs").asInt());
    assertEquals(1, r.path("exitCode").asInt());
    assertTrue(r.path("error").isNull(), r.toString());
    assertEquals(importCounts(42, 41, totalBytes - bad.length, 0, 1), counts(r));
    assertEquals(List.copyOf(contents.keySet()), names(r));
    for (JsonNode f : r.path("files")) {
      String n = f.path("name").asText();
      assertEquals(FILE_FIELDS, fieldNames(f), f.toString());
      assertEquals(TestContent.sha512(contents.get(n)), f.path("sha512").asText());
      assertEquals(contents.get(n).length, f.path("bytes").asLong());
      if (n.equals("big-2.tgz")) {
        assertTrue(f.path("path").isNull(), f.toString());
        assertEquals("failed", f.path("outcome").asText());
        assertTrue(f.path("reason").asText().startsWith("tampered or damaged, skipped: big-2.tgz: "), f.toString());
      } else {
        assertEquals(n, f.path("path").asText());
        assertEquals("uploaded", f.path("outcome").asText());
        assertTrue(f.path("reason").isNull(), f.toString());
      }
    }
    assertEquals("filling", set(b).path("state").asText());
    assertEquals(404, b.get("/by-hash/sha512/" + TestContent.sha512(bad)).statusCode(), "nothing unverified stored");

    // Repaired, imported again: only that file is uploaded, and the seals are equal.
    Files.write(exp.resolve("big-2.tgz"), contents.get("big-2.tgz"));
    CliRun again = b.command("import", exp.toString(), "--jobs", "4", "--report", reportFile.toString());
    assertEquals(0, again.code(), again.toString());
    JsonNode r2 = report(reportFile);
    assertEquals(importCounts(42, 1, bad.length, 41, 0), counts(r2));
    assertEquals(SEAL_FIELDS, fieldNames(r2.path("importedSeal")));
    assertEquals(seal.path("digest").asText(), r2.path("importedSeal").path("digest").asText());
    assertEquals(true, r2.path("sealsEqual").booleanValue());
    assertEquals(0, r2.path("exitCode").asInt());
    Map<String, String> expected = new LinkedHashMap<>();
    contents.keySet().forEach(n -> expected.put(n, n.equals("big-2.tgz") ? "uploaded" : "already-held"));
    assertEquals(expected, outcomes(r2));
  }

  @Test
  void jobsOutOfRangeIsRefusedAndAFailedExportStillWritesItsReport() throws Exception {
    Path exp = tmp.resolve("export");
    CliRun zero = a.cli("export", SET, "--to", exp.toString(), "--jobs", "0");
    assertEquals(2, zero.code(), zero.toString());
    assertTrue(zero.err().contains("--jobs must be from 1 to 64, got 0"), zero.toString());
    CliRun many = a.cli("import", exp.toString(), "--jobs", "65");
    assertEquals(2, many.code(), many.toString());
    assertTrue(many.err().contains("--jobs must be from 1 to 64, got 65"), many.toString());

    Path reportFile = tmp.resolve("failed.json");
    CliRun notSealed = a.cli("export", "default", "--to", exp.toString(), "--report", reportFile.toString());
    assertEquals(2, notSealed.code(), notSealed.toString());
    JsonNode r = report(reportFile);
    assertEquals(EXPORT_FIELDS, fieldNames(r));
    assertEquals(2, r.path("exitCode").asInt());
    assertTrue(r.path("error").asText().startsWith("set default is filling, not sealed"), r.toString());
    assertTrue(r.path("seal").isNull(), r.toString());
    assertEquals(4, r.path("jobs").asInt(), "the default");
    assertEquals(exportCounts(0, 0, 0, 0, 0), counts(r));
    try (var list = Files.list(tmp)) {
      assertEquals(List.of("failed.json"), list.map(p -> p.getFileName().toString())
          .filter(n -> n.contains("failed.json")).toList(), "no temporary file beside the report");
    }
  }

  private static Map<String, Long> exportCounts(long files, long exported, long bytes, long present, long failed) {
    return Map.of("files", files, "exported", exported, "bytesExported", bytes, "alreadyPresent", present,
        "failed", failed, "unbound", 0L, "conflicts", 0L);
  }

  private static Map<String, Long> importCounts(long blobs, long uploaded, long bytes, long held, long failed) {
    return Map.of("blobs", blobs, "uploaded", uploaded, "bytesUploaded", bytes, "alreadyHeld", held,
        "failed", failed);
  }

  /** The report, parsed, with its counts' fields checked (the tests compare their values). */
  private static JsonNode report(Path file) throws IOException {
    JsonNode r = JSON.readTree(file.toFile());
    assertEquals(r.has("from") ? IMPORT_COUNTS : EXPORT_COUNTS, fieldNames(r.path("counts")), r.toString());
    return r;
  }

  private static Map<String, Long> counts(JsonNode report) {
    Map<String, Long> out = new LinkedHashMap<>();
    report.path("counts").fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asLong(-1)));
    return out;
  }

  private static List<String> names(JsonNode report) {
    List<String> out = new ArrayList<>();
    report.path("files").forEach(f -> out.add(f.path("name").asText()));
    return out;
  }

  private static Map<String, String> outcomes(JsonNode report) {
    Map<String, String> out = new LinkedHashMap<>();
    report.path("files").forEach(f -> out.put(f.path("name").asText(), f.path("outcome").asText()));
    return out;
  }

  /** Every file under {@code dir} by its relative path. */
  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  /** As export prints a size: KiB and MiB with one decimal. */
  private static String sizeText(long n) {
    return n < 1024 ? n + " B" : n < 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0)
        : String.format(java.util.Locale.ROOT, "%.1f MiB", n / 1048576.0);
  }

  private JsonNode set(CliServer s) throws Exception {
    HttpResponse<String> r = s.api("/api/v1/sets/" + SET);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
