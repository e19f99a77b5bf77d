package org.distvault.e2e.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit: systemd-analyze accepts it as installed and rates its sandbox, it carries the
 * hardening and the stop/restart settings the server needs, and its command line, expanded the way
 * systemd expands it with the shipped settings file, starts a server that serves and stops with a
 * status the unit counts as success. (The sandbox itself needs a running systemd, which the tests
 * do not have.)
 */
class SystemdUnitIT {
  private static final String STATE = "/var/lib/distvault";
  private static final String REPLICA_STATE = "/var/lib/distvault-replica";
  private static final String REPLICA_CACHE = "/var/cache/distvault-replica";
  private static final Pattern EXPOSURE =
      Pattern.compile("Overall exposure level for distvault(?:-replica)?\\.service: (\\d+\\.\\d+) ");
  /** The replica's unit settings that name its own paths, files and command; all others are the primary's. */
  private static final Set<String> REPLICA_OWN = Set.of("Description", "ExecStart", "ExecStartPre", "EnvironmentFile",
      "Environment", "StateDirectory", "ReadWritePaths", "CacheDirectory", "CacheDirectoryMode");

  @TempDir Path tmp;

  private static String systemdAnalyze() {
    return Executables.require("systemd-analyze", "systemd").toString();
  }

  private static UnitFile sourceUnit() throws Exception {
    return UnitFile.read(OpsPaths.ops().resolve("systemd/distvault.service"));
  }

  private static UnitFile sourceEnv() throws Exception {
    return UnitFile.read(OpsPaths.ops().resolve("systemd/distvault.env"));
  }

  private static UnitFile replicaUnit() throws Exception {
    return UnitFile.read(OpsPaths.ops().resolve("systemd/distvault-replica.service"));
  }

  private static UnitFile replicaEnv() throws Exception {
    return UnitFile.read(OpsPaths.ops().resolve("systemd/distvault-replica.env"));
  }

  /** install.sh into tmp/usr; returns the installed unit. */
  private Path installedUnit() throws Exception {
    ProcessResult r = ProcessResult.run(tmp, Map.of(), 120,
        List.of(OpsPaths.ops().resolve("install.sh").toString(), "--prefix", tmp.resolve("usr").toString(), "--no-user"));
    assertEquals(0, r.exit(), r.toString());
    return tmp.resolve("usr/lib/systemd/system/distvault.service");
  }

  @Test
  void systemdAnalyzeVerifiesTheInstalledUnitWithoutAWord() throws Exception {
    Path unit = installedUnit();
    ProcessResult r = ProcessResult.run(tmp, systemdAnalyze(), "verify", unit.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals("", r.stdout() + r.stderr(), r.toString());
    // The check is not blind: a bad value is reported (systemd ignores it and carries on).
    Path broken = tmp.resolve("broken/distvault.service");
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, Files.readString(unit).replace("\nProtectSystem=strict\n", "\nProtectSystem=stricter\n"));
    ProcessResult bad = ProcessResult.run(tmp, systemdAnalyze(), "verify", broken.toString());
    assertTrue(bad.stderr().contains("Failed to parse protect system value, ignoring: stricter"), bad.toString());
  }

  @Test
  void sandboxExposureIsLow() throws Exception {
    assertExposureIsLow(installedUnit());
  }

  private void assertExposureIsLow(Path unit) throws Exception {
    ProcessResult r = ProcessResult.run(tmp, systemdAnalyze(), "security", "--offline=true", unit.toString());
    assertEquals(0, r.exit(), r.toString());
    Matcher m = EXPOSURE.matcher(r.stdout() + r.stderr());
    assertTrue(m.find(), r.toString());
    // 10 is "UNSAFE", 0 fully locked down; the unit scored 1.4 with systemd 252.
    assertTrue(Double.parseDouble(m.group(1)) <= 2.0, "exposure " + m.group(1) + "\n" + r);
  }

  @Test
  void unitCarriesTheHardeningAndServiceSettings() throws Exception {
    UnitFile u = sourceUnit();
    String s = "Service";
    Map<String, String> expected = new HashMap<>(Map.ofEntries(
        Map.entry("User", "distvault"), Map.entry("Group", "distvault"), Map.entry("ProtectSystem", "strict"),
        Map.entry("ReadWritePaths", STATE), Map.entry("NoNewPrivileges", "yes"), Map.entry("PrivateTmp", "yes"),
        Map.entry("ProtectHome", "yes"), Map.entry("PrivateDevices", "yes"), Map.entry("CapabilityBoundingSet", ""),
        Map.entry("AmbientCapabilities", ""), Map.entry("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
        Map.entry("Restart", "on-failure"), Map.entry("SuccessExitStatus", "143"), Map.entry("LimitNOFILE", "65536"),
        Map.entry("StateDirectory", "distvault distvault/native"), Map.entry("SystemCallErrorNumber", "EPERM"),
        Map.entry("Environment", "ROCKSDB_SHAREDLIB_DIR=" + STATE + "/native")));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertEquals(e.getValue(), u.one(s, e.getKey()), e.getKey());
    }
    assertEquals(List.of("@system-service", "~@privileged"), u.all(s, "SystemCallFilter"));
    assertEquals(List.of(), u.all(s, "MemoryDenyWriteExecute"), "the JIT needs W+X memory");
    assertEquals("5", u.one("Unit", "StartLimitBurst"));
    assertEquals("10min", u.one("Unit", "StartLimitIntervalSec"));
    // The JVM needs longer than the drain to stop: closing the catalog follows the drain.
    Matcher drain = Pattern.compile(" --drain-timeout (\\d+) ").matcher(u.one(s, "ExecStart"));
    assertTrue(drain.find(), u.one(s, "ExecStart"));
    int stopSeconds = Integer.parseInt(u.one(s, "TimeoutStopSec"));
    assertTrue(stopSeconds >= Integer.parseInt(drain.group(1)) + 15, "TimeoutStopSec " + stopSeconds);
    // Everything the server writes lies under the one writable path.
    UnitFile env = sourceEnv();
    assertTrue(env.one(UnitFile.NO_SECTION, "DISTVAULT_DATA").startsWith(STATE + "/"));
    assertTrue((" " + env.one(UnitFile.NO_SECTION, "JAVA_OPTS") + " ").contains(" -Djava.io.tmpdir=" + STATE + "/native "));
    assertEquals("/etc/distvault/distvault.env", u.one(s, "EnvironmentFile"));
  }

  @Test
  void everyFlagOfTheCommandLineIsAServeFlag() throws Exception {
    assertEquals(3, serveFlags(sourceUnit().one("Service", "ExecStart")));
  }

  /** How many flags {@code line} has; fails naming one that {@code serve --help} does not list. */
  private int serveFlags(String line) throws Exception {
    ProcessResult help = ProcessResult.run(tmp, OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString(), "serve", "--help");
    assertEquals(0, help.exit(), help.toString());
    Matcher flag = Pattern.compile("(?:^| )(--[a-z0-9-]+)").matcher(line);
    int flags = 0;
    while (flag.find()) {
      assertTrue(help.stdout().contains(flag.group(1)), flag.group(1) + " is not in serve --help:\n" + help.stdout());
      flags++;
    }
    return flags;
  }

  /**
   * The replica's unit (ops/systemd/distvault-replica.service, which install.sh does not install),
   * with the launcher where install.sh puts it: systemd-analyze verifies it without a word and rates
   * its sandbox as low as the primary's; every setting but its own paths, files and command is the
   * primary unit's; its paths are its own; the bucket credentials come from a file of their own.
   */
  @Test
  void replicaUnitVerifiesAndIsSandboxedAsThePrimary() throws Exception {
    String launcher = UnitFile.read(installedUnit()).one("Service", "ExecStart").split(" ")[0];
    String source = Files.readString(OpsPaths.ops().resolve("systemd/distvault-replica.service"));
    String text = source.replace("\nExecStart=/usr/local/bin/distvault ", "\nExecStart=" + launcher + " ");
    assertTrue(!text.equals(source), "ExecStart moved");
    Path unit = Files.createDirectories(tmp.resolve("replica")).resolve("distvault-replica.service");
    Files.writeString(unit, text);
    ProcessResult r = ProcessResult.run(tmp, systemdAnalyze(), "verify", unit.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals("", r.stdout() + r.stderr(), r.toString());
    assertExposureIsLow(unit);

    UnitFile primary = sourceUnit();
    UnitFile replica = replicaUnit();
    for (String section : List.of("Unit", "Service", "Install")) {
      Set<String> keys = new TreeSet<>(primary.sections().get(section).keySet());
      keys.addAll(replica.sections().get(section).keySet());
      keys.removeAll(REPLICA_OWN);
      for (String key : keys) {
        assertEquals(primary.all(section, key), replica.all(section, key), "[" + section + "] " + key);
      }
    }
    String s = "Service";
    assertEquals(List.of("/etc/distvault/distvault-replica.env", "/etc/distvault/distvault-replica.credentials"),
        replica.all(s, "EnvironmentFile"));
    assertEquals(REPLICA_STATE + " " + REPLICA_CACHE, replica.one(s, "ReadWritePaths"));
    assertEquals("distvault-replica distvault-replica/native", replica.one(s, "StateDirectory"));
    assertEquals("distvault-replica", replica.one(s, "CacheDirectory"));
    assertEquals("ROCKSDB_SHAREDLIB_DIR=" + REPLICA_STATE + "/native", replica.one(s, "Environment"));
    assertEquals("/bin/sh -c 'rm -f " + REPLICA_STATE + "/native/librocksdbjni*'", replica.one(s, "ExecStartPre"));
    UnitFile env = replicaEnv();
    String n = UnitFile.NO_SECTION;
    assertTrue(env.one(n, "DISTVAULT_DATA").startsWith(REPLICA_STATE + "/"), env.one(n, "DISTVAULT_DATA"));
    assertTrue(env.one(n, "DISTVAULT_CACHE_DIR").startsWith(REPLICA_CACHE + "/"), env.one(n, "DISTVAULT_CACHE_DIR"));
    assertTrue((" " + env.one(n, "JAVA_OPTS") + " ").contains(" -Djava.io.tmpdir=" + REPLICA_STATE + "/native "));
    assertTrue(env.all(n, "AWS_ACCESS_KEY_ID").isEmpty() && env.all(n, "AWS_SECRET_ACCESS_KEY").isEmpty(),
        "no credentials in the settings file");
  }

  /** The replica's command line, expanded with its shipped settings, has only serve flags. */
  @Test
  void everyFlagOfTheReplicaCommandLineIsAServeFlag() throws Exception {
    UnitFile u = replicaUnit();
    List<String> command = UnitFile.expand(u.one("Service", "ExecStart"), u.environment(replicaEnv()));
    assertEquals(List.of("/usr/local/bin/distvault", "serve", "--data", REPLICA_STATE + "/data", "--listen", "0.0.0.0:8080",
        "--replica-of", "s3://distfiles/primary", "--set", "2026Q4", "--cache-dir", REPLICA_CACHE + "/tier",
        "--cache-size", "200G", "--drain-timeout", "30", "--s3-endpoint", "http://minio.example.org:9000",
        "--s3-path-style", "--poll", "30"), command);
    assertEquals(10, serveFlags(String.join(" ", command)));
  }

  /**
   * ExecStartPre and ExecStart as systemd would run them with the shipped settings file, with
   * /var/lib/distvault moved into the temporary directory and the port chosen by the system.
   */
  @Test
  void commandLineWithTheSettingsFileServesAndStopsWithSuccess() throws Exception {
    Path launcher = installedUnit().getParent().getParent().getParent().getParent().resolve("bin/distvault");
    Path state = tmp.resolve("state");
    Files.createDirectories(state.resolve("native"));
    Path stale = Files.writeString(state.resolve("native/librocksdbjni123.so"), "left by a crash");
    UnitFile u = sourceUnit();
    Map<String, String> env = u.environment(sourceEnv());
    env.replaceAll((k, v) -> moved(v, state));
    env.put("DISTVAULT_LISTEN", "127.0.0.1:0");
    env.put("JAVA_OPTS", env.get("JAVA_OPTS").replace("-Xms256m -Xmx2g", "-Xmx256m"));
    env.put("JAVA_HOME", System.getProperty("java.home"));

    ProcessResult pre = ProcessResult.run(tmp, env, 60, UnitFile.expand(moved(u.one("Service", "ExecStartPre"), state), env));
    assertEquals(0, pre.exit(), pre.toString());
    assertTrue(Files.notExists(stale), "ExecStartPre left " + stale);

    List<String> command = UnitFile.expand(moved(u.one("Service", "ExecStart"), state), env);
    assertEquals("/usr/local/bin/distvault", command.get(0));
    command.set(0, launcher.toString());
    assertEquals(List.of("serve", "--data", state + "/data", "--listen", "127.0.0.1:0", "--drain-timeout", "30"),
        command.subList(1, command.size()));
    try (JarServer server = JarServer.launch(command, env, tmp.resolve("serve.stderr"))) {
      assertEquals(200, server.health().statusCode(), server.stderr());
      try (Stream<Path> natives = Files.list(state.resolve("native"))) {
        assertTrue(natives.anyMatch(p -> p.getFileName().toString().startsWith("librocksdbjni")),
            "RocksDB's native library is not in the unit's native directory");
      }
      assertTrue(Files.isRegularFile(state.resolve("data/admin.token")));
      int exit = server.terminate();
      assertTrue(u.one("Service", "SuccessExitStatus").equals(Integer.toString(exit)), "exit " + exit);
    }
  }

  private static String moved(String value, Path state) {
    return value.replace(STATE, state.toString());
  }
}
