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

/** Bad {@code serve --trap-*} flags: exit 2 naming the flag and the value, and nothing is started. */
class ServeTrapOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--trap-proxy nonsense|Invalid value for option '--trap-proxy': 'nonsense' is not HOST:PORT (e.g. 127.0.0.1:8080)",
      "--trap-proxy 127.0.0.1:70000|Invalid value for option '--trap-proxy': '127.0.0.1:70000': port must be 0-65535",
      "--trap-proxy 127.0.0.1:0 --trap-allow distcc:0|Invalid value for option '--trap-allow' (HOST[:PORT]): 'distcc:0': port must be 1-65535, got 0",
      "--trap-proxy 127.0.0.1:0 --trap-allow ::1:3632|Invalid value for option '--trap-allow' (HOST[:PORT]): '::1:3632': write an IPv6 address in brackets, e.g. [::1]:3632",
      "--trap-allow distcc:3632|--trap-allow needs --trap-proxy HOST:PORT",
      "--trap-allow-file allow.txt|--trap-allow-file needs --trap-proxy HOST:PORT"})
  void badTrapFlagsExitTwo(String args, String message) {
    CliRun r = CliRun.of(("serve --data " + dir.resolve("data") + " " + args).split(" "));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }

  @Test
  void missingOrBadAllowFileExitsTwoNamingFileAndLine() throws Exception {
    Path missing = dir.resolve("missing.txt");
    CliRun r = CliRun.of("serve", "--data", dir.resolve("data").toString(), "--trap-proxy", "127.0.0.1:0",
        "--trap-allow-file", missing.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--trap-allow-file " + missing + ": no such file"), r.toString());

    Path bad = Files.writeString(dir.resolve("allow.txt"), "# distcc\ndistcc1:3632\ndistcc2:three\n");
    r = CliRun.of("serve", "--data", dir.resolve("data").toString(), "--trap-proxy", "127.0.0.1:0",
        "--trap-allow-file", bad.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--trap-allow-file " + bad + ":3: 'distcc2:three': port 'three' is not a number"),
        r.toString());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }
}
