package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad {@code serve --log-format} and {@code --access-log}: exit 2 naming the flag and the value. */
class ServeLogOptionsTest {
  @TempDir Path dir;

  @Test
  void unknownLogFormatExitsTwo() {
    CliRun r = CliRun.of("serve", "--data", dir.resolve("data").toString(), "--log-format", "xml");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("Invalid value for option '--log-format': 'xml': use text or json"), r.toString());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }

  @Test
  void accessLogThatCannotBeOpenedExitsTwoNamingIt() throws Exception {
    Path directory = Files.createDirectories(dir.resolve("logs"));
    CliRun r = CliRun.of("serve", "--data", dir.resolve("data").toString(), "--listen", "127.0.0.1:0",
        "--access-log", directory.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("serve: --access-log " + directory + ": "), r.toString());
    assertEquals("", r.out(), "never listened");
  }
}
