package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad connection bounds and timeouts of {@code serve}: exit 2 naming the flag and the value, nothing started. */
class ServeConnectionOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--idle-timeout 0|--idle-timeout must be between 1 and 2147483 seconds, got 0",
      "--request-head-timeout -1|--request-head-timeout must be between 1 and 2147483 seconds, got -1",
      "--send-timeout 2147484|--send-timeout must be between 1 and 2147483 seconds, got 2147484",
      "--max-connections 0|--max-connections must be at least 1, got 0",
      "--max-connections-per-client 0|--max-connections-per-client must be at least 1, got 0"})
  void badConnectionFlagsExitTwo(String args, String message) {
    CliRun r = CliRun.of(("serve --data " + dir.resolve("data") + " " + args).split(" "));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }
}
