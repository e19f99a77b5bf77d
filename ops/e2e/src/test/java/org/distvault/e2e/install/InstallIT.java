package org.distvault.e2e.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ops/install.sh} into a temporary prefix (without creating the system user), then the
 * installed launcher: help, serving /healthz, stopping with 143, and refusing an old Java.
 */
class InstallIT {
  @TempDir Path tmp;

  private static String installSh() {
    return OpsPaths.ops().resolve("install.sh").toString();
  }

  /** JAVA_HOME of the JVM running the tests: the launcher must not pick whatever PATH has. */
  private static Map<String, String> javaHome() {
    return Map.of("JAVA_HOME", System.getProperty("java.home"));
  }

  private ProcessResult install(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(installSh()));
    command.addAll(List.of(args));
    // A DISTVAULT_JAR of the caller's (here one that does not exist) must not decide which jar
    // the installed launcher trains its class archive on.
    return ProcessResult.run(tmp, Map.of("DISTVAULT_JAR", tmp.resolve("elsewhere.jar").toString()), 120, command);
  }

  @Test
  void installedLauncherRunsTheInstalledJar() throws Exception {
    Path prefix = tmp.resolve("usr");
    ProcessResult r = install("--prefix", prefix.toString(), "--no-user");
    assertEquals(0, r.exit(), r.toString());
    Path jar = prefix.resolve("share/distvault/distvault.jar");
    Path launcher = prefix.resolve("bin/distvault");
    Path unit = prefix.resolve("lib/systemd/system/distvault.service");
    Path env = prefix.resolve("etc/distvault/distvault.env");
    assertArrayEquals(sha256(OpsPaths.jar()), sha256(jar));
    assertEquals("rw-r--r--", mode(jar));
    assertEquals("rwxr-xr-x", mode(launcher));
    assertEquals("rw-r--r--", mode(unit));
    // The class archive beside the jar, made by the installed launcher (ClassArchiveIT checks its use).
    Path archive = prefix.resolve("share/distvault/distvault.jsa");
    assertTrue(r.stdout().contains("\n  " + archive + "\n"), r.toString());
    assertEquals("rw-r--r--", mode(archive));
    assertTrue(Files.size(archive) > 1 << 20, archive + ": " + Files.size(archive) + " bytes");
    assertEquals(Files.readString(OpsPaths.ops().resolve("systemd/distvault.env")), Files.readString(env));
    assertTrue(Files.readString(launcher).contains("jar=${DISTVAULT_JAR:-" + jar + "}\n"), Files.readString(launcher));
    String unitText = Files.readString(unit);
    assertTrue(unitText.contains("\nExecStart=" + launcher + " serve --data ${DISTVAULT_DATA} "), unitText);
    assertTrue(unitText.contains("\nEnvironmentFile=" + env + "\n"), unitText);
    try (Stream<Path> left = Files.walk(prefix)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().matches(".*\\.\\d+(\\.tmp|\\.log)?$")).toList(),
          "temporary files left behind");
    }

    ProcessResult help = ProcessResult.run(tmp, javaHome(), 60, List.of(launcher.toString(), "serve", "--help"));
    assertEquals(0, help.exit(), help.toString());
    assertTrue(help.stdout().contains("--drain-timeout"), help.toString());

    Path nativeDir = Files.createDirectory(tmp.resolve("native"));
    Map<String, String> env2 = Map.of("JAVA_HOME", System.getProperty("java.home"),
        "JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + nativeDir, "ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
    try (JarServer server = JarServer.launch(List.of(launcher.toString(), "serve", "--data",
        tmp.resolve("data").toString(), "--listen", "127.0.0.1:0"), env2, tmp.resolve("serve.stderr"))) {
      assertEquals(200, server.health().statusCode(), server.stderr());
      assertEquals("{\"status\":\"ok\",\"mode\":\"online\",\"blobs\":0}", server.health().body().strip());
      // exec: the launcher's process is now the JVM, with JAVA_OPTS before -jar.
      List<String> args = List.of(server.handle().info().arguments().orElseThrow());
      assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          server.handle().info().command().orElseThrow());
      assertEquals(List.of("-Xmx256m", "-Djava.io.tmpdir=" + nativeDir, "-jar", jar.toString(), "serve"),
          args.subList(0, 5));
      try (Stream<Path> natives = Files.list(nativeDir)) {
        assertTrue(natives.anyMatch(p -> p.getFileName().toString().startsWith("librocksdbjni")),
            "RocksDB's native library is not in " + nativeDir);
      }
      assertEquals(143, server.terminate(), server.stderr());
    }
  }

  @Test
  void secondRunReplacesTheJarAndKeepsTheSettings() throws Exception {
    Path prefix = tmp.resolve("opt/distvault");
    assertEquals(0, install("--prefix=" + prefix, "--no-user").exit());
    Path jar = prefix.resolve("share/distvault/distvault.jar");
    Path env = prefix.resolve("etc/distvault/distvault.env");
    Files.writeString(jar, "damaged");
    Files.writeString(env, "DISTVAULT_LISTEN=0.0.0.0:8080\n");
    ProcessResult again = install("--prefix", prefix.toString(), "--no-user");
    assertEquals(0, again.exit(), again.toString());
    assertTrue(again.stdout().contains(env + " kept"), again.toString());
    assertEquals("DISTVAULT_LISTEN=0.0.0.0:8080\n", Files.readString(env));
    assertArrayEquals(sha256(OpsPaths.jar()), sha256(jar));
  }

  @Test
  void destdirStagesUnderItButNamesTheFinalPaths() throws Exception {
    Path stage = tmp.resolve("stage");
    ProcessResult r = install("--destdir", stage.toString(), "--prefix", "/usr");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(Files.isRegularFile(stage.resolve("usr/share/distvault/distvault.jar")));
    // The JVM checks a class archive against the jar's final path: the package's postinst makes it.
    assertFalse(Files.exists(stage.resolve("usr/share/distvault/distvault.jsa")));
    assertTrue(Files.readString(stage.resolve("usr/bin/distvault"))
        .contains("jar=${DISTVAULT_JAR:-/usr/share/distvault/distvault.jar}\n"));
    String unit = Files.readString(stage.resolve("usr/lib/systemd/system/distvault.service"));
    assertTrue(unit.contains("\nExecStart=/usr/bin/distvault serve "), unit);
    assertTrue(unit.contains("\nEnvironmentFile=/etc/distvault/distvault.env\n"), unit);
    assertTrue(Files.isRegularFile(stage.resolve("etc/distvault/distvault.env")));
    // --destdir implies --no-user: nothing outside the stage.
    assertFalse(r.stdout().contains("user distvault"), r.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--bogus|unknown argument: --bogus",
      "--prefix|--prefix needs a value",
      "--prefix=|--prefix needs a value",
      "--prefix relative/dir|installation directories must be absolute paths: relative/dir",
      "--prefix /tmp/a$b|installation directories may only contain letters, digits and / . _ + -: /tmp/a$b",
      "--unitdir /x --sysconfdir etc|installation directories must be absolute paths: etc"})
  void badArgumentsExitTwoNamingTheProblem(String args, String message) throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    List<String> command = new ArrayList<>(List.of(installSh()));
    command.addAll(List.of(args.split(" ")));
    ProcessResult r = ProcessResult.run(empty, Map.of(), 60, command);
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.stderr().startsWith("install.sh: " + message + "\nusage: install.sh "), r.toString());
    try (Stream<Path> left = Files.list(empty)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void missingJarFailsNamingIt() throws Exception {
    ProcessResult r = install("--prefix", tmp.resolve("p").toString(), "--no-user", "--jar", tmp.resolve("no.jar").toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().startsWith("install.sh: no jar at " + tmp.resolve("no.jar") + ": build it first"), r.toString());
    assertFalse(Files.exists(tmp.resolve("p")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "openjdk version \"11.0.21\" 2023-10-17|Java 11.0.21",
      "java version \"1.8.0_392\"|Java 1.8.0_392",
      "openjdk version \"16-ea\" 2021-03-16|Java 16-ea"})
  void launcherRefusesAJavaOlderThan17(String versionLine, String named) throws Exception {
    Path javaHome = fakeJava(versionLine);
    ProcessResult r = ProcessResult.run(tmp, Map.of("JAVA_HOME", javaHome.toString(), "DISTVAULT_JAR", OpsPaths.jar().toString()),
        60, List.of(OpsPaths.ops().resolve("bin/distvault").toString(), "--help"));
    assertEquals(2, r.exit(), r.toString());
    assertEquals("distvault: " + javaHome.resolve("bin/java") + " is " + named
        + "; distvault needs Java 17 or newer (set JAVA_HOME to one)\n", r.stderr());
    assertEquals("", r.stdout());
  }

  @Test
  void launcherPassesJavaOptionsAndArgumentsToAJava21() throws Exception {
    Path javaHome = fakeJava("openjdk version \"21.0.2\" 2024-01-16");
    ProcessResult r = ProcessResult.run(tmp, Map.of("JAVA_HOME", javaHome.toString(), "DISTVAULT_JAR", OpsPaths.jar().toString(),
        "JAVA_OPTS", "-Xmx1g  -Dx=1"), 60, List.of(OpsPaths.ops().resolve("bin/distvault").toString(), "serve", "--data", "a b"));
    assertEquals(0, r.exit(), r.toString());
    assertEquals("[-Xmx1g] [-Dx=1] [-jar] [" + OpsPaths.jar() + "] [serve] [--data] [a b]\n", r.stdout());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "prefetch --jobs 8||[-XX:TieredStopAtLevel=1] [-XX:+UseSerialGC] [-jar] [JAR] [prefetch] [--jobs] [8]",
      "mode||[-XX:TieredStopAtLevel=1] [-XX:+UseSerialGC] [-jar] [JAR] [mode]",
      "prefetch|-XX:TieredStopAtLevel=4 -Xmx1g|[-XX:TieredStopAtLevel=1] [-XX:+UseSerialGC] [-XX:TieredStopAtLevel=4] [-Xmx1g] [-jar] [JAR] [prefetch]",
      "refill|-XX:+UseParallelGC|[-XX:TieredStopAtLevel=1] [-XX:+UseParallelGC] [-jar] [JAR] [refill]",
      "export x||[-jar] [JAR] [export] [x]",
      "import x||[-jar] [JAR] [import] [x]",
      "serve|-Xmx1g|[-Xmx1g] [-jar] [JAR] [serve]"})
  void launcherAddsTheClientOptionsBeforeJavaOptionsToClientSubcommandsOnly(String args, String javaOpts, String expected)
      throws Exception {
    Path javaHome = fakeJava("openjdk version \"17.0.15\" 2025-04-15");
    List<String> command = new ArrayList<>(List.of(OpsPaths.ops().resolve("bin/distvault").toString()));
    command.addAll(List.of(args.split(" ")));
    ProcessResult r = ProcessResult.run(tmp, Map.of("JAVA_HOME", javaHome.toString(), "DISTVAULT_JAR", OpsPaths.jar().toString(),
        "JAVA_OPTS", javaOpts == null ? "" : javaOpts), 60, command);
    assertEquals(0, r.exit(), r.toString());
    assertEquals(expected.replace("JAR", OpsPaths.jar().toString()) + "\n", r.stdout());
  }

  @Test
  void launcherTakesTheVersionFromTheRuntimesReleaseFileBeforeAskingJava() throws Exception {
    Path old = fakeJava("openjdk version \"17.0.15\" 2025-04-15");
    Files.writeString(old.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"11.0.2\"\nJAVA_VERSION_DATE=\"2019-01-15\"\n");
    ProcessResult refused = ProcessResult.run(tmp, Map.of("JAVA_HOME", old.toString(), "DISTVAULT_JAR", OpsPaths.jar().toString()),
        60, List.of(OpsPaths.ops().resolve("bin/distvault").toString(), "--help"));
    assertEquals(2, refused.exit(), refused.toString());
    assertEquals("distvault: " + old.resolve("bin/java") + " is Java 11.0.2; distvault needs Java 17 or newer (set JAVA_HOME to one)\n",
        refused.stderr());

    Path fine = fakeJava("openjdk version \"11.0.2\" 2019-01-15");
    Files.writeString(fine.resolve("release"), "JAVA_VERSION=\"21.0.2\"\n");
    ProcessResult ran = ProcessResult.run(tmp, Map.of("JAVA_HOME", fine.toString(), "DISTVAULT_JAR", OpsPaths.jar().toString()),
        60, List.of(OpsPaths.ops().resolve("bin/distvault").toString(), "serve"));
    assertEquals(0, ran.exit(), ran.toString());
    assertEquals("[-jar] [" + OpsPaths.jar() + "] [serve]\n", ran.stdout());
  }

  @Test
  void launcherGivesTheClassArchiveToClientSubcommandsWhenItIsNotOlderThanTheJar() throws Exception {
    Path javaHome = fakeJava("openjdk version \"17.0.15\" 2025-04-15");
    Path jar = Files.writeString(Files.createDirectories(tmp.resolve("lib")).resolve("distvault.jar"), "a jar");
    Path archive = Files.writeString(jar.resolveSibling("distvault.jsa"), "an archive");
    FileTime jarTime = Files.getLastModifiedTime(jar);
    Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() + 10_000));
    Map<String, String> env = Map.of("JAVA_HOME", javaHome.toString(), "DISTVAULT_JAR", jar.toString());
    String launcher = OpsPaths.ops().resolve("bin/distvault").toString();
    String client = "[-XX:TieredStopAtLevel=1] [-XX:+UseSerialGC] ";
    String withArchive = client + "[-XX:SharedArchiveFile=" + archive + "] [-Xlog:cds=off] [-Xlog:cds+dynamic=off] ";

    assertEquals(withArchive + "[-jar] [" + jar + "] [mode]\n",
        ProcessResult.run(tmp, env, 60, List.of(launcher, "mode")).stdout());
    assertEquals("[-jar] [" + jar + "] [serve]\n", ProcessResult.run(tmp, env, 60, List.of(launcher, "serve")).stdout());
    Map<String, String> withOpts = new HashMap<>(env);
    withOpts.put("JAVA_OPTS", "-Xshare:off");
    assertEquals(withArchive + "[-Xshare:off] [-jar] [" + jar + "] [mode]\n",
        ProcessResult.run(tmp, withOpts, 60, List.of(launcher, "mode")).stdout());
    // A jar newer than its archive (replaced after the archive was made): the archive is left out.
    Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() - 10_000));
    assertEquals(client + "[-jar] [" + jar + "] [mode]\n", ProcessResult.run(tmp, env, 60, List.of(launcher, "mode")).stdout());
  }

  @Test
  void launcherWithoutAJavaOrJarSaysSo() throws Exception {
    ProcessResult noJava = ProcessResult.run(tmp, Map.of("JAVA_HOME", tmp.toString(), "DISTVAULT_JAR", OpsPaths.jar().toString()),
        60, List.of(OpsPaths.ops().resolve("bin/distvault").toString(), "--help"));
    assertEquals(2, noJava.exit(), noJava.toString());
    assertEquals("distvault: JAVA_HOME=" + tmp + " has no executable bin/java\n", noJava.stderr());
    ProcessResult noJar = ProcessResult.run(tmp, Map.of("DISTVAULT_JAR", tmp.resolve("gone.jar").toString()),
        60, List.of(OpsPaths.ops().resolve("bin/distvault").toString(), "--help"));
    assertEquals(2, noJar.exit(), noJar.toString());
    assertTrue(noJar.stderr().startsWith("distvault: no jar at " + tmp.resolve("gone.jar")), noJar.toString());
  }

  /** A JAVA_HOME whose bin/java prints {@code versionLine} for -version, else its arguments in brackets. */
  private Path fakeJava(String versionLine) throws Exception {
    Path home = tmp.resolve("fake-jdk-" + System.nanoTime());
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n"
        + "if [ \"$1\" = -version ]; then echo '" + versionLine + "' >&2; exit 0; fi\n"
        + "for a in \"$@\"; do printf '[%s] ' \"$a\"; done | sed 's/ $//'; echo\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
