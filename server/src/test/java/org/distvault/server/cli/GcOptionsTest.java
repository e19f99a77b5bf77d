package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad retention flags of {@code serve} and {@code gc}: exit 2 naming the flag, nothing started or sent. */
class GcOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--keep-seals 17|--keep-seals must be from 0 to 16",
      "--keep-seals -1|--keep-seals must be from 0 to 16",
      "--max-size 0|--max-size must be positive"})
  void badServeFlagsExitTwo(String args, String message) {
    CliRun r = CliRun.of(("serve --data " + dir.resolve("data") + " " + args).split(" "));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }

  @Test
  void gcRefusesBadFlagsBeforeAskingTheServer() {
    CliRun seals = CliRun.of("gc", "--server", "http://127.0.0.1:9", "--token-file", dir.resolve("none").toString(),
        "--keep-seals", "17");
    assertEquals(2, seals.code(), seals.toString());
    assertTrue(seals.err().contains("--keep-seals must be from 0 to 16, got 17"), seals.toString());
    CliRun format = CliRun.of("gc", "--server", "http://127.0.0.1:9", "--token-file", dir.resolve("none").toString(),
        "--format", "xml");
    assertEquals(2, format.code(), format.toString());
    assertTrue(format.err().contains("--format must be text or json, got 'xml'"), format.toString());
  }
}
