package org.distvault.e2e.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for distvault\\.service: (\\d+\\.\\d+) ");

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
    ProcessResult r = ProcessResult.run(tmp, systemdAnalyze(), "security", "--offline=true", installedUnit().toString());
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
    ProcessResult help = ProcessResult.run(tmp, OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString(), "serve", "--help");
    assertEquals(0, help.exit(), help.toString());
    Matcher flag = Pattern.compile(" (--[a-z-]+)").matcher(sourceUnit().one("Service", "ExecStart"));
    int flags = 0;
    while (flag.find()) {
      assertTrue(help.stdout().contains(flag.group(1)), flag.group(1) + " is not in serve --help:\n" + help.stdout());
      flags++;
    }
    assertEquals(3, flags);
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
