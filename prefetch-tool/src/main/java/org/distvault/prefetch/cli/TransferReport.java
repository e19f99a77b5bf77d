package org.distvault.prefetch.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The JSON report of {@code export} and {@code import} ({@code --report FILE}): the files' outcomes
 * and how to write a report, whole or not at all. The report types are records whose fields are
 * the JSON fields, in this order (docs/cli.md lists them).
 */
final class TransferReport {
  private static final ObjectWriter WRITER = AdminCalls.JSON.writerWithDefaultPrettyPrinter()
      .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  /** Files in the report: by name, then by path. */
  static final Comparator<FileOutcome> ORDER = Comparator.comparing(FileOutcome::name)
      .thenComparing(f -> f.path() == null ? "" : f.path());

  private TransferReport() {}

  /** What became of one file. */
  enum Outcome {
    /** Export: fetched from the server, verified and renamed into place. */
    EXPORTED,
    /** Export: already in DIR with the right size and SHA-512 (a resumed export). */
    ALREADY_PRESENT,
    /** Import: checked against every digest and uploaded. */
    UPLOADED,
    /** Import: the server already held the blob; bound without an upload. */
    ALREADY_HELD,
    /** Not transferred; the reason says why. */
    FAILED;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One file: the distfile name, its path relative to DIR (null when it has none, e.g. an invalid
   * name), the blob's SHA-512, its size, the outcome, and the reason when it failed (else null).
   */
  @JsonPropertyOrder({"name", "path", "sha512", "bytes", "outcome", "reason"})
  record FileOutcome(String name, String path, String sha512, long bytes, Outcome outcome, String reason) {
    static FileOutcome failed(String name, String path, String sha512, long bytes, String reason) {
      return new FileOutcome(name, path, sha512, bytes, Outcome.FAILED, reason);
    }
  }

  /** A seal as seal.json has it: the set it seals, its digest, its entries and when. */
  @JsonPropertyOrder({"set", "digest", "entries", "at"})
  record Seal(String set, String digest, long entries, String at) {
    /** From the server's (or seal.json's) {@code {"digest","entries","at"}}. */
    static Seal of(String set, JsonNode seal) {
      return new Seal(set, seal.path("digest").asText(null), seal.path("entries").asLong(),
          seal.path("at").asText(null));
    }
  }

  /** Export's report. {@code error} is null unless the export stopped early (then exitCode says how). */
  @JsonPropertyOrder({"set", "to", "seal", "jobs", "exitCode", "error", "counts", "files", "unbound", "conflicts"})
  record Export(String set, String to, Seal seal, int jobs, int exitCode, String error, ExportCounts counts,
      List<FileOutcome> files, List<Unbound> unbound, List<Conflict> conflicts) {}

  /** {@code files} = exported + alreadyPresent + failed. */
  @JsonPropertyOrder({"files", "exported", "bytesExported", "alreadyPresent", "failed", "unbound", "conflicts"})
  record ExportCounts(int files, int exported, long bytesExported, int alreadyPresent, int failed, int unbound,
      int conflicts) {
    static ExportCounts of(List<FileOutcome> files, int unbound, int conflicts) {
      return new ExportCounts(files.size(), count(files, Outcome.EXPORTED), bytes(files, Outcome.EXPORTED),
          count(files, Outcome.ALREADY_PRESENT), count(files, Outcome.FAILED), unbound, conflicts);
    }
  }

  /** A variant the seal does not cover: not exported. */
  @JsonPropertyOrder({"name", "pkgpaths"})
  record Unbound(String name, List<String> pkgpaths) {}

  /** A name bound to several contents, each in variants/; the first also in DISTDIR. */
  @JsonPropertyOrder({"name", "variants"})
  record Conflict(String name, List<Variant> variants) {}

  @JsonPropertyOrder({"sha512", "bytes", "pkgpaths", "inDistdir"})
  record Variant(String sha512, long bytes, List<String> pkgpaths, boolean inDistdir) {}

  /**
   * Import's report: the seal exported, the seal of the set after the import (null when it was
   * left filling) and whether their digests are equal.
   */
  @JsonPropertyOrder({"set", "from", "exportedSeal", "importedSeal", "sealsEqual", "jobs", "exitCode", "error",
      "counts", "files"})
  record Import(String set, String from, Seal exportedSeal, Seal importedSeal, boolean sealsEqual, int jobs,
      int exitCode, String error, ImportCounts counts, List<FileOutcome> files) {}

  /** Per blob: {@code blobs} = uploaded + alreadyHeld + failed. */
  @JsonPropertyOrder({"blobs", "uploaded", "bytesUploaded", "alreadyHeld", "failed"})
  record ImportCounts(int blobs, int uploaded, long bytesUploaded, int alreadyHeld, int failed) {
    static ImportCounts of(List<FileOutcome> files) {
      return new ImportCounts(files.size(), count(files, Outcome.UPLOADED), bytes(files, Outcome.UPLOADED),
          count(files, Outcome.ALREADY_HELD), count(files, Outcome.FAILED));
    }
  }

  private static int count(List<FileOutcome> files, Outcome o) {
    return (int) files.stream().filter(f -> f.outcome() == o).count();
  }

  private static long bytes(List<FileOutcome> files, Outcome o) {
    return files.stream().filter(f -> f.outcome() == o).mapToLong(FileOutcome::bytes).sum();
  }

  /** The files sorted by {@link #ORDER}. */
  static List<FileOutcome> sorted(List<FileOutcome> files) {
    return files.stream().sorted(ORDER).toList();
  }

  /** Writes {@code report} as JSON to {@code file} atomically (see {@link OutputFile}). */
  static void write(Path file, Object report) throws CliException {
    OutputFile.write("--report", file, out -> {
      WRITER.writeValue(out, report);
      out.write('\n');
    });
  }
}
