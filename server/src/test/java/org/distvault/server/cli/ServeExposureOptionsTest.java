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

/** Bad {@code serve --tls-*}, {@code --admin-listen}, {@code --allow-from} and {@code --status-page} flags: exit 2 naming the flag; nothing starts. */
class ServeExposureOptionsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--tls-cert cert.pem|--tls-cert needs --tls-key",
      "--tls-key key.pem|--tls-key needs --tls-cert",
      "--admin-listen nonsense|Invalid value for option '--admin-listen': 'nonsense' is not HOST:PORT (e.g. 127.0.0.1:8080)",
      "--listen 127.0.0.1:8089 --admin-listen 127.0.0.1:8089|--admin-listen must differ from --listen (127.0.0.1:8089)",
      "--allow-from cache.example|--allow-from: \"cache.example\" is not an IP address or CIDR network",
      "--allow-from 10.0.0.0/8,|--allow-from: empty entry in \"10.0.0.0/8,\"",
      "--allow-from 10.1.0.0/8|--allow-from: \"10.1.0.0/8\" has host bits set after /8 (did you mean 10.0.0.0/8?)",
      "--status-page private|Invalid value for option '--status-page': 'private' is not a status page access: use "
          + "off, public or admin"})
  void badFlagsExitTwo(String args, String message) {
    CliRun r = CliRun.of(("serve --data " + dir.resolve("data") + " " + args).split(" "));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in " + r);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }

  @Test
  void unusableTlsFilesExitTwoNamingTheFile() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
    Path key = dir.resolve("missing.key");
    CliRun r = CliRun.of("serve", "--data", dir.resolve("data").toString(), "--tls-cert", cert.toString(),
        "--tls-key", key.toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("--tls-cert/--tls-key: " + cert + ": no certificate (expected PEM: "
        + "-----BEGIN CERTIFICATE-----)"), r.toString());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }
}
