package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token file whose token has fewer than 128 bits is bad input for {@code serve} and for every
 * client subcommand: exit 2 with one line naming the file and the minimum, before anything listens
 * or any server is contacted.
 */
@Timeout(120) // if serve accepted the token it would run until stopped
class ShortTokenTest {
  @TempDir Path dir;
  private Path token;
  private String expected;

  @BeforeEach
  void shortTokenFile() throws IOException {
    token = Files.writeString(dir.resolve("admin.token"), "0123456789abcdef0123456789abcde\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    expected = "token in " + token + " is too short: 31 hex digits (124 bits); at least 128 bits are needed: "
        + "32 hex digits or 22 base64 characters (openssl rand -hex 32 makes one)";
  }

  @Test
  void serveExitsTwoNamingTheFileAndTheMinimum() {
    CliRun r = CliRun.of("serve", "--data", dir.resolve("data").toString(), "--listen", "127.0.0.1:0",
        "--admin-token-file", token.toString(), "--no-upstream");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(expected), r.toString());
    assertFalse(r.out().contains("listening"), r.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mode", "mode offline", "violations", "scrub", "prefetch --manifest M"})
  void clientSubcommandExitsTwoWithoutContactingTheServer(String command) throws IOException {
    Path manifest = Files.writeString(dir.resolve("m.jsonl"), "");
    List<String> args = new ArrayList<>();
    for (String word : command.split(" ")) {
      args.add(word.equals("M") ? manifest.toString() : word);
    }
    // Port 1 on loopback: nothing listens there, so reaching it would be exit 1, not 2.
    args.addAll(List.of("--server", "http://127.0.0.1:1", "--token-file", token.toString()));
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("cannot use --token-file: " + expected), r.toString());
    assertFalse(r.err().contains("cannot connect"), r.toString());
  }
}
