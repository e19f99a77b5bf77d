package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.distvault.server.mode.Mode;
import org.distvault.server.trap.AllowList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Where {@code serve}'s settings come from: flag over {@code DISTVAULT_<FLAG>} over the
 * {@code --config} file over the default; and what each source refuses (exit 2, nothing started).
 */
class ServeConfigTest {
  @TempDir Path dir;

  /** {@code serve ARGS} parsed by the real command line with {@code env} as the environment. */
  private static ServeCommand parse(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine(env);
    CommandLine.ParseResult r = cl.parseArgs(Stream.concat(Stream.of("serve"), Stream.of(args)).toArray(String[]::new));
    return (ServeCommand) r.subcommand().commandSpec().userObject();
  }

  private Path config(String text) throws IOException {
    return Files.writeString(dir.resolve("distvault.conf"), text);
  }

  @Test
  void withoutFileOrEnvironmentTheOptionDefaultsApply() {
    ServeCommand s = parse(Map.of());
    assertEquals(new ListenAddress("127.0.0.1", 8080), s.listen);
    assertEquals(Path.of("./data"), s.data);
    assertNull(s.maxConnections);
    assertTrue(s.upstream);
    assertEquals(List.of(), s.trapAllow);
  }

  @Test
  void fileSetsEveryKindOfOption() throws IOException {
    Path file = config("""
        # a comment, then a blank line

        listen = 0.0.0.0:9090\t\s
        max-connections=300
        upstream = false
        mode: offline
        trap-proxy = 127.0.0.1:3128
        trap-allow = distcc1:3632, distcc2
        scrub-every = 7d
        min-free-space =
        """);
    ServeCommand s = parse(Map.of(), "--config", file.toString());
    assertEquals(new ListenAddress("0.0.0.0", 9090), s.listen);
    assertEquals(300, s.maxConnections);
    assertFalse(s.upstream);
    assertEquals(Mode.OFFLINE, s.mode);
    assertEquals(List.of(new AllowList.Entry("distcc1", OptionalInt.of(3632)),
        new AllowList.Entry("distcc2", OptionalInt.empty())), s.trapAllow);
    assertEquals(Duration.ofDays(7), s.scrubEvery);
    assertNull(s.minFreeSpace, "an empty value is unset");
  }

  @Test
  void environmentSetsOptionsAndNamesTheFile() throws IOException {
    Path file = config("data = /srv/distvault\n");
    ServeCommand s = parse(Map.of("DISTVAULT_MAX_CONNECTIONS", "200", "DISTVAULT_UPSTREAM", "false",
        "DISTVAULT_CONFIG", file.toString(), "DISTVAULT_DRAIN_TIMEOUT", " ", "PATH", "/usr/bin"));
    assertEquals(200, s.maxConnections);
    assertFalse(s.upstream);
    assertEquals(Path.of("/srv/distvault"), s.data);
    assertEquals(10, s.drainSeconds, "a blank variable is unset");
  }

  @Test
  void environmentOverridesFile() throws IOException {
    Path file = config("listen = 0.0.0.0:9090\nkeep-seals = 4\n");
    ServeCommand s = parse(Map.of("DISTVAULT_LISTEN", "127.0.0.1:7070"), "--config", file.toString());
    assertEquals(new ListenAddress("127.0.0.1", 7070), s.listen);
    assertEquals(4, s.keepSeals);
  }

  @Test
  void flagOverridesEnvironmentAndFile() throws IOException {
    Path file = config("listen = 0.0.0.0:9090\nupstream = false\n");
    ServeCommand s = parse(Map.of("DISTVAULT_LISTEN", "127.0.0.1:7070", "DISTVAULT_UPSTREAM", "false"),
        "--config", file.toString(), "--listen", "127.0.0.1:6060", "--upstream");
    assertEquals(new ListenAddress("127.0.0.1", 6060), s.listen);
    assertTrue(s.upstream);
  }

  @Test
  void eachSettingTakesItsHighestSource() throws IOException {
    Path file = config("""
        data = /from/file
        listen = 0.0.0.0:1001
        max-connections = 1001
        idle-timeout = 1001
        """);
    Map<String, String> env = Map.of("DISTVAULT_LISTEN", "0.0.0.0:2002", "DISTVAULT_MAX_CONNECTIONS", "2002",
        "DISTVAULT_CONFIG", file.toString());
    ServeCommand s = parse(env, "--max-connections", "3003");
    assertEquals(Path.of("/from/file"), s.data);
    assertEquals(new ListenAddress("0.0.0.0", 2002), s.listen);
    assertEquals(3003, s.maxConnections);
    assertEquals(1001, s.idleSeconds);
    assertEquals(30, s.sendSeconds, "no source: the default");
  }

  @Test
  void argumentFileCountsAsFlags() throws IOException {
    Path args = Files.writeString(dir.resolve("serve.args"), "# picocli's @argfile\n--listen 127.0.0.1:5050\n");
    ServeCommand s = parse(Map.of("DISTVAULT_LISTEN", "127.0.0.1:7070"), "@" + args);
    assertEquals(new ListenAddress("127.0.0.1", 5050), s.listen);
  }

  @Test
  void variablesOfDistvaultsOtherToolsAreIgnored() {
    ServeCommand s = parse(Map.of("DISTVAULT_SERVE_OPTS", "--no-upstream", "DISTVAULT_URL", "http://cache:8080/",
        "DISTVAULT_JAR", "/opt/distvault.jar"));
    assertTrue(s.upstream);
  }

  @Test
  void unknownKeyInFileExitsTwoNamingIt() throws IOException {
    Path file = config("listen = 0.0.0.0:9090\nmax-conections = 3\n");
    assertRefused(Map.of(), "--config " + file + ": unknown key 'max-conections'", "--config", file.toString());
  }

  @Test
  void fileCannotNameAnotherFile() throws IOException {
    Path file = config("config = /etc/other.conf\n");
    assertRefused(Map.of(), "--config " + file + ": unknown key 'config'", "--config", file.toString());
  }

  @Test
  void unknownDistvaultVariableExitsTwoNamingIt() {
    assertRefused(Map.of("DISTVAULT_MAX_CONECTIONS", "3"),
        "environment variable DISTVAULT_MAX_CONECTIONS is not a serve flag");
  }

  @Test
  void missingFileExitsTwoNamingIt() {
    Path missing = dir.resolve("missing.conf");
    assertRefused(Map.of(), "--config " + missing + ": no such file", "--config", missing.toString());
    assertRefused(Map.of("DISTVAULT_CONFIG", missing.toString()), "--config " + missing + ": no such file");
  }

  @Test
  void badValueInFileExitsTwoNamingTheFlag() throws IOException {
    Path file = config("max-connections = many\n");
    assertRefused(Map.of(), "Invalid value for option '--max-connections': 'many' is not an int",
        "--config", file.toString());
  }

  @Test
  void otherCommandsIgnoreTheEnvironment() {
    CliRun r = CliRun.withEnv(Map.of("DISTVAULT_NONSENSE", "1"), "sets", "--help");
    assertEquals(0, r.code(), r.toString());
  }

  /** Every commented-out setting of ops/distvault.conf.example, uncommented, is a valid one. */
  @Test
  void exampleConfigHoldsOnlyValidKeys() throws IOException {
    Path example = Path.of(System.getProperty("distvault.testdata")).getParent().resolve("ops/distvault.conf.example");
    String settings = Files.readAllLines(example).stream()
        .filter(l -> l.matches("#?[a-z-]+ = .*"))
        .map(l -> l.startsWith("#") ? l.substring(1) : l)
        .collect(Collectors.joining("\n"));
    assertTrue(settings.lines().count() >= 20, settings);
    ServeCommand s = parse(Map.of(), "--config", config(settings).toString());
    assertEquals(new ListenAddress("0.0.0.0", 8080), s.listen);
  }

  private void assertRefused(Map<String, String> env, String message, String... args) {
    String data = dir.resolve("data").toString();
    CliRun r = CliRun.withEnv(env, Stream.concat(Stream.of("serve", "--data", data), Stream.of(args))
        .toArray(String[]::new));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }
}
