package org.distvault.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.prefetch.manifest.ManifestWriter;
import org.distvault.server.DistvaultServer;
import org.distvault.server.ServerConfig;
import org.distvault.storage.blob.StoreRecovery;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;

/**
 * The training run of the launcher's {@code distvault class-archive}: a JVM started with {@code
 * -XX:ArchiveClassesAtExit} runs this, and the classes it loads go into a class-data sharing
 * archive that later client runs map instead of loading them from the jar again (0.3-0.5 s of
 * CPU at each start on a 2-core machine; measured in ops/bench/README.md).
 *
 * <p>It runs the client subcommands an operator runs most ({@code mode}, {@code sets}, {@code
 * violations}, {@code prefetch} planning and downloading) through {@link Main} against a server
 * of its own on a loopback port, over a temporary data directory, with one distfile fetched from
 * a {@code file://} URL: only the code paths, nothing of the machine's state. Everything it
 * created is deleted before it returns.
 */
public final class ClassArchiveTraining {
  private ClassArchiveTraining() {}

  /** Exit 0 when every command ran as expected, 1 naming the one that did not. */
  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    if (args.length != 0) {
      err.println("ClassArchiveTraining takes no arguments");
      System.exit(2);
    }
    try {
      Path work = Files.createTempDirectory("distvault-class-archive-");
      try {
        train(work);
      } finally {
        StoreRecovery.deleteTree(work);
      }
      System.exit(0);
    } catch (IOException | RuntimeException e) {
      err.println("class archive training failed: " + e);
      System.exit(1);
    }
  }

  /**
   * Runs the training commands in {@code work} (an empty directory, left for the caller to
   * delete).
   *
   * @throws IOException when a file cannot be written, the server cannot start, or a command
   *     exits otherwise than expected (the message names it, its exit code and its stderr)
   */
  static void train(Path work) throws IOException {
    Path site = Files.createDirectories(work.resolve("site"));
    byte[] bytes = "distvault class archive training\n".getBytes(StandardCharsets.UTF_8);
    Path distfile = Files.write(site.resolve("training-1.0.tar.gz"), bytes);
    Path manifest = work.resolve("manifest.jsonl");
    try (ManifestWriter out = new ManifestWriter(Files.newOutputStream(manifest))) {
      out.write(entry(distfile, bytes));
    }
    try (DistvaultServer server = DistvaultServer.start(ServerConfig.defaults(work.resolve("data")).withPort(0))) {
      String url = "http://127.0.0.1:" + server.address().getPort() + "/";
      String token = work.resolve("data").resolve("admin.token").toString();
      List<String> common = List.of("--server", url, "--token-file", token);
      run("mode", common);
      run("sets", common);
      run("violations", common);
      run("prefetch", common, "--manifest", manifest.toString(), "--plan-only");
      run("prefetch", common, "--manifest", manifest.toString(), "--work-dir", work.resolve("spool").toString());
    }
  }

  /** The expectation of {@code distfile}, fetched from its {@code file://} URL. */
  private static ExpectedDistfile entry(Path distfile, byte[] bytes) {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S);
    d.update(bytes, 0, bytes.length);
    return new ExpectedDistfile(DistfileName.of(distfile.getFileName().toString()), OptionalLong.of(bytes.length),
        d.finish(), Set.of("devel/training"), List.of(distfile.toUri().toString()));
  }

  private static void run(String subcommand, List<String> common, String... more) throws IOException {
    List<String> args = new ArrayList<>();
    args.add(subcommand);
    args.addAll(common);
    args.addAll(List.of(more));
    StringWriter err = new StringWriter();
    PrintWriter out = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int code = Main.run(out, new PrintWriter(err, true), Map.of(), args.toArray(String[]::new));
    if (code != 0) {
      throw new IOException("distvault " + String.join(" ", args) + " exited " + code + ": " + err.toString().strip());
    }
  }
}
