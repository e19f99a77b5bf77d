package org.distvault.e2e.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.distvault.e2e.OpsPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault class-archive} with the real JVM: the launcher's training run writes the class
 * archive beside the jar, the client subcommands load their classes from it, and an archive the
 * JVM cannot use or one older than the jar changes nothing of what a command prints.
 */
class ClassArchiveIT {
  private static final String MAIN = "org.distvault.server.cli.Main";

  @TempDir Path tmp;

  @Test
  void theTrainingRunWritesTheArchiveAndClientSubcommandsLoadFromIt() throws Exception {
    Path jar = Files.copy(OpsPaths.jar(), Files.createDirectories(tmp.resolve("lib")).resolve("distvault.jar"));
    Path archive = jar.resolveSibling("distvault.jsa");
    String expected = launch(jar, "-Xshare:off", "-V").stdout();
    assertTrue(expected.startsWith("distvault "), expected);

    ProcessResult made = launch(jar, "", "class-archive");
    assertEquals(0, made.exit(), made.toString());
    assertEquals("distvault: wrote " + archive + "; the client subcommands start from it\n", made.stdout());
    assertEquals("", made.stderr());
    assertTrue(Files.size(archive) > 1 << 20, archive + ": " + Files.size(archive) + " bytes");
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
    assertEquals(List.of("distvault.jar", "distvault.jsa"), names(jar.getParent()));
    // The training's work directory (its server's data, the distfile it fetched) went with it.
    assertEquals(List.of(), names(tmp.resolve("java-tmp")).stream().filter(n -> n.startsWith("distvault-class-archive-")).toList());

    assertEquals(MAIN + " source: shared objects file (top)", loadedFrom(jar, MAIN));
    assertEquals(expected, launch(jar, "", "-V").stdout());

    // Replaced by a newer jar (here: the archive made older): the jar's own classes, same output.
    Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 10_000));
    assertEquals(MAIN + " source: file:" + jar, loadedFrom(jar, MAIN));

    // An archive the JVM refuses (damaged, or made by another Java): skipped without a word on
    // stdout or stderr, the command's output unchanged.
    Files.writeString(archive, "not an archive");
    Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
    ProcessResult damaged = launch(jar, "", "-V");
    assertEquals(0, damaged.exit(), damaged.toString());
    assertEquals(expected, damaged.stdout());
    assertEquals("", damaged.stderr());
  }

  @Test
  void aTrainingRunThatFailsWritesNothingAndSaysWhy() throws Exception {
    Path jar = Files.createDirectories(tmp.resolve("lib")).resolve("distvault.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream empty = new JarOutputStream(out, manifest)) {
      empty.flush();
    }
    ProcessResult r = launch(jar, "", "class-archive");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().startsWith("distvault: no class archive written at " + jar.resolveSibling("distvault.jsa")
        + " (the client subcommands work without one, only start slower); the training run said:\n"), r.toString());
    assertTrue(r.stderr().contains("org.distvault.server.cli.ClassArchiveTraining"), r.toString());
    assertEquals(List.of("distvault.jar"), names(jar.getParent()));
  }

  @Test
  void aTrainingThatFailsOnItsWayIsNamedAboveTheJvmsWarnings() throws Exception {
    Path jar = Files.copy(OpsPaths.jar(), Files.createDirectories(tmp.resolve("lib")).resolve("distvault.jar"));
    Path gone = tmp.resolve("no-such-dir");
    ProcessResult r = launch(jar, "-Djava.io.tmpdir=" + gone, "class-archive");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("\nclass archive training failed: java.nio.file.NoSuchFileException: " + gone), r.toString());
    assertFalse(r.stderr().contains("[warning][cds]"), r.toString());
    assertEquals(List.of("distvault.jar"), names(jar.getParent()));
  }

  @Test
  void argumentsAreRefused() throws Exception {
    Path jar = Files.copy(OpsPaths.jar(), Files.createDirectories(tmp.resolve("lib")).resolve("distvault.jar"));
    ProcessResult r = launch(jar, "", "class-archive", "--help");
    assertEquals(2, r.exit(), r.toString());
    assertEquals("distvault: class-archive takes no arguments (it writes " + jar.resolveSibling("distvault.jsa") + ")\n",
        r.stderr());
    assertEquals(List.of("distvault.jar"), names(jar.getParent()));
  }

  /** Where {@code className} came from in a {@code -V} run: "NAME source: ...", as the JVM logs it. */
  private String loadedFrom(Path jar, String className) throws Exception {
    Path log = tmp.resolve("classes-" + System.nanoTime() + ".log");
    ProcessResult r = launch(jar, "-Xlog:class+load=info:file=" + log, "-V");
    assertEquals(0, r.exit(), r.toString());
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(" " + className + " source: "))
          .map(l -> l.substring(l.indexOf(className)))
          .findFirst().orElse("not loaded: " + className);
    }
  }

  /** The launcher on {@code jar} with the test's JVM, a temporary directory of the test's own, then {@code javaOpts}. */
  private ProcessResult launch(Path jar, String javaOpts, String... args) throws Exception {
    Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("DISTVAULT_JAR", jar.toString());
    env.put("JAVA_OPTS", ("-Djava.io.tmpdir=" + javaTmp + " " + javaOpts).strip()); // javaOpts' values win
    List<String> command = new ArrayList<>(List.of(OpsPaths.ops().resolve("bin/distvault").toString()));
    command.addAll(List.of(args));
    return ProcessResult.run(tmp, env, 120, command);
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
