package org.distvault.server.cli;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.distvault.server.DistvaultServer;
import org.distvault.server.ServerConfig;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mode}, {@code violations} and {@code scrub} against a real running server. */
class ClientCommandsIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  @TempDir static Path other;
  static DistvaultServer server;
  static String url;
  static String tokenFile;

  @BeforeAll
  static void start() throws IOException {
    server = DistvaultServer.start(ServerConfig.defaults(data).withPort(0));
    url = "http://127.0.0.1:" + server.address().getPort();
    tokenFile = server.token().file().toString();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  private static void miss(String path) {
    given().baseUri(url).urlEncodingEnabled(false).header("User-Agent", "cli-test").get(path).then().statusCode(404);
  }

  @Test
  void modeShowsSetsAndReportsWithTheTokenId() throws IOException {
    CliRun show = CliRun.of("mode", "--server", url, "--token-file", tokenFile);
    assertEquals(0, show.code(), show.toString());
    assertTrue(List.of("online", "offline").contains(JSON.readTree(show.out()).path("mode").asText()), show.toString());

    CliRun set = CliRun.of("mode", "offline", "--server", url, "--token-file", tokenFile, "--reason", "cli test");
    assertEquals(0, set.code(), set.toString());
    JsonNode state = JSON.readTree(set.out());
    assertEquals("offline", state.path("mode").asText());
    assertEquals(server.token().id(), state.path("changedBy").asText());
    assertEquals("cli test", state.path("reason").asText());
    assertTrue(set.err().startsWith("mode: offline (since "), set.toString());
    assertEquals(Mode.OFFLINE, server.modes().current());

    CliRun back = CliRun.of("mode", "online", "--server", url + "/", "--token-file", tokenFile);
    assertEquals(0, back.code(), back.toString());
    assertEquals(Mode.ONLINE, server.modes().current());
  }

  @Test
  void violationsListsTextAndJsonFromACursorAndPerRun() throws IOException {
    CliRun set = CliRun.of("mode", "offline", "--server", url, "--token-file", tokenFile);
    assertEquals(0, set.code(), set.toString());
    long before = server.violations().lastCursor();
    miss("/run/cli-1/pkg/devel/foo/foo-1.0.tar.gz");
    miss("/run/cli-2/distfiles/bar-2.0.tar.gz");
    miss("/run/cli-1/distfiles/baz-3.0.tar.gz");

    CliRun text = CliRun.of("violations", "--server", url, "--token-file", tokenFile, "--since", String.valueOf(before));
    assertEquals(0, text.code(), text.toString());
    String[] lines = text.out().split("\n");
    assertEquals(3, lines.length, text.toString());
    String[] f = lines[0].split("\t");
    assertEquals(List.of(String.valueOf(before + 1), "unknown", "devel/foo", "foo-1.0.tar.gz", "127.0.0.1",
        "in no manifest"), List.of(f[0], f[2], f[3], f[4], f[5], f[6]));
    assertEquals("-", lines[1].split("\t")[3]);
    assertTrue(text.err().endsWith("violations: 3 listed; next cursor: " + (before + 3) + "\n"), text.toString());

    CliRun json = CliRun.of("violations", "--server", url, "--token-file", tokenFile, "--since", String.valueOf(before),
        "--format", "json", "--run", "cli-1");
    assertEquals(0, json.code(), json.toString());
    String[] objects = json.out().split("\n");
    assertEquals(2, objects.length, json.toString());
    assertEquals("foo-1.0.tar.gz", JSON.readTree(objects[0]).path("name").asText());
    assertEquals("baz-3.0.tar.gz", JSON.readTree(objects[1]).path("name").asText());
    assertEquals("cli-test", JSON.readTree(objects[1]).path("userAgent").asText());

    CliRun none = CliRun.of("violations", "--server", url, "--token-file", tokenFile, "--since", String.valueOf(before + 3));
    assertEquals(0, none.code(), none.toString());
    assertEquals("", none.out());
  }

  /** Misses through a set the store does not have are violations in either mode, attributed to that set. */
  @Test
  void violationsListsOneSetWithSet() throws IOException {
    long before = server.violations().lastCursor();
    miss("/set/cli-a/distfiles/a-1.0.tar.gz");
    miss("/set/cli-b/distfiles/b-1.0.tar.gz");
    miss("/set/cli-a/run/cli-3/pkg/devel/c/c-1.0.tar.gz");

    CliRun json = CliRun.of("violations", "--server", url, "--token-file", tokenFile, "--since", String.valueOf(before),
        "--format", "json", "--set", "cli-a");
    assertEquals(0, json.code(), json.toString());
    String[] objects = json.out().split("\n");
    assertEquals(2, objects.length, json.toString());
    assertEquals("a-1.0.tar.gz", JSON.readTree(objects[0]).path("name").asText());
    assertEquals("cli-a", JSON.readTree(objects[1]).path("set").asText());
    assertEquals("no set cli-a", JSON.readTree(objects[1]).path("reason").asText());

    CliRun bad = CliRun.of("violations", "--server", url, "--token-file", tokenFile, "--set", "a+b");
    assertEquals(2, bad.code(), bad.toString());
    assertTrue(bad.err().contains("--set: invalid set name 'a+b': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed"),
        bad.toString());
  }

  @Test
  void scrubOfAnIntactStoreSucceeds() throws IOException {
    CliRun r = CliRun.of("scrub", "--server", url, "--token-file", tokenFile);
    assertEquals(0, r.code(), r.toString());
    assertEquals(0, JSON.readTree(r.out()).path("corrupt").size(), r.toString());
    assertTrue(r.err().matches("(?s)scrub: checked \\d+ blobs \\(\\d+ bytes\\), 0 corrupt, 0 missing\\s*"), r.toString());
  }

  @Test
  void wrongTokenIsBadInputNamingTheFile() throws IOException {
    Path wrong = other.resolve("wrong.token");
    Files.writeString(wrong, "f".repeat(64) + "\n");
    Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
    CliRun r = CliRun.of("mode", "--server", url, "--token-file", wrong.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("refused the token in " + wrong + ": invalid token"), r.toString());
  }

  @Test
  void missingOrWorldReadableTokenFileIsBadInput() throws IOException {
    Path missing = other.resolve("nope.token");
    CliRun r = CliRun.of("mode", "--server", url, "--token-file", missing.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("token file " + missing + " does not exist"), r.toString());

    Path open = other.resolve("open.token");
    Files.writeString(open, server.token().token() + "\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    CliRun o = CliRun.of("mode", "--server", url, "--token-file", open.toString());
    assertEquals(2, o.code(), o.toString());
    assertTrue(o.err().contains("is accessible by other users (rw-r--r--): run chmod 600 " + open), o.toString());
  }

  @Test
  void unreachableServerIsAFailedJob() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    CliRun r = CliRun.of("mode", "--server", "http://127.0.0.1:" + closedPort, "--token-file", tokenFile);
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("cannot connect to http://127.0.0.1:" + closedPort + "/"), r.toString());
  }

  @Test
  void nonHttpServerUrlIsBadInput() {
    CliRun r = CliRun.of("mode", "--server", "ftp://cache/", "--token-file", tokenFile);
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--server 'ftp://cache/' must be an http:// or https:// URL with a host"), r.toString());
  }
}
