package org.distvault.prefetch.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.prefetch.source.SourceResult;
import org.distvault.storage.distfile.ExpectedDistfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code distvault manifest}: writes the JSON-lines manifest of a pkgsrc tree (or of distinfo
 * files and mirror sites), the input {@code prefetch --manifest} and {@code POST /api/v1/manifest}
 * take. Needs no server.
 */
@Command(
    name = "manifest",
    mixinStandardHelpOptions = true,
    // The first line is the summary in the command list; picocli wraps each paragraph at words.
    description = {
        "Writes the manifest of a pkgsrc tree or of distinfo files.",
        "The manifest (JSON lines: name, pkgpaths, size, digests, urls) of a pkgsrc tree, or of distinfo files "
            + "with mirror sites, goes to stdout or --output; it needs no server. Problems go to stderr: packages "
            + "whose bmake failed and distinfo lines that cannot be used (errors), packages pbulk would skip "
            + "(notes).",
        "Exit 1 when any error was met (the manifest lacks what those packages need), 2 for bad usage."})
public final class ManifestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SourceOptions source;

  @Option(names = "--output", paramLabel = "FILE", description = "Write the manifest here (default: stdout)")
  Path output;

  @Override
  public Integer call() throws CliException, InterruptedException {
    EntryInput input = source.forManifest();
    if (output != null) {
      OutputFile.checkWritable("--output", output);
    }
    SourceResult result = input.load();
    SourceProblems.print(result.problems(), spec.commandLine().getErr());
    if (output != null) {
      OutputFile.write("--output", output, out -> write(result.entries(), out));
    } else {
      try {
        write(result.entries(), new WriterOutputStream(spec.commandLine().getOut()));
      } catch (IOException e) {
        throw new CliException(ExitCode.FAILED, "cannot write the manifest to stdout: " + e, e);
      }
    }
    TreeSet<String> packages = new TreeSet<>();
    result.entries().forEach(e -> packages.addAll(e.pkgpaths()));
    int errors = result.errors().size();
    int notes = result.problems().size() - errors;
    spec.commandLine().getErr().println("manifest: " + result.entries().size() + " distfiles of " + packages.size()
        + " packages; " + errors + " error" + (errors == 1 ? "" : "s") + ", " + notes + " note" + (notes == 1 ? "" : "s")
        + (result.failedPkgpaths().isEmpty() ? "" : "; failed: " + String.join(" ", result.failedPkgpaths())));
    return errors == 0 ? ExitCode.OK : ExitCode.FAILED;
  }

  /** Writes the entries as manifest lines; closes {@code out}. */
  private static void write(List<ExpectedDistfile> entries, OutputStream out) throws IOException {
    try (ManifestWriter w = new ManifestWriter(out)) {
      for (ExpectedDistfile e : entries) {
        w.write(e);
      }
    }
  }
}
