package org.distvault.prefetch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link AdminToken#read} refuses a token of fewer than 128 bits, judged by its encoding. */
class AdminTokenTest {
  private static final String NEEDED = "at least 128 bits are needed: 32 hex digits or 22 base64 characters "
      + "(openssl rand -hex 32 makes one)";

  @TempDir Path dir;

  private Path tokenFile(String token) throws IOException {
    Path f = Files.writeString(dir.resolve("admin.token"), token + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private String refusal(String token) throws IOException {
    Path f = tokenFile(token);
    return assertThrows(BadTokenFileException.class, () -> AdminToken.read(f)).getMessage();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "x|1 base64 character (6 bits)",
      "0123456789abcdef0123456789abcde|31 hex digits (124 bits)",
      "0123456789ABCDEF0123456789ABCDE|31 hex digits (124 bits)",
      "s3cret+token/01234567|21 base64 characters (126 bits)",
      "s3cret-token_01234567=|21 base64 characters (126 bits)",
      "s3cret-token.01234567|21 characters (126 bits)"})
  void tokenUnder128BitsIsRefusedNamingTheFileAndTheMinimum(String token, String counted) throws IOException {
    assertEquals("token in " + dir.resolve("admin.token") + " is too short: " + counted + "; " + NEEDED,
        refusal(token));
  }

  @Test
  void decimalDigitsCountLessThanHexDigits() throws IOException {
    // 38 decimal digits are 126 bits although 38 hex digits would be 152.
    assertEquals("token in " + dir.resolve("admin.token") + " is too short: 38 decimal digits (126 bits); "
        + "at least 128 bits are needed: 39 decimal digits, 32 hex digits or 22 base64 characters "
        + "(openssl rand -hex 32 makes one)", refusal("1".repeat(38)));
    assertEquals("1".repeat(39), AdminToken.read(tokenFile("1".repeat(39))));
  }

  @ParameterizedTest
  @CsvSource({
      "0123456789abcdef0123456789abcdef",
      "0123456789ABCDEF0123456789abcdef",
      "s3cret+token/012345678",
      "s3cret-token_012345678",
      "s3cret-token.012345678"})
  void tokenOf128BitsOrMoreIsUsed(String token) throws IOException {
    assertEquals(token, AdminToken.read(tokenFile(token)));
  }

  @Test
  void paddedBase64OfSixteenRandomBytesIsUsed() throws IOException {
    // What "openssl rand -base64 16" prints: 22 characters and "==", exactly 128 bits.
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String token = Base64.getEncoder().encodeToString(random);
    assertEquals(24, token.length());
    assertEquals(token, AdminToken.read(tokenFile(token)));
    // 15 bytes are 20 characters without padding: 120 bits.
    byte[] ones = new byte[15];
    java.util.Arrays.fill(ones, (byte) 0xff);
    String fifteen = Base64.getEncoder().encodeToString(ones);
    assertEquals("/".repeat(20), fifteen);
    assertEquals("token in " + dir.resolve("admin.token") + " is too short: 20 base64 characters (120 bits); " + NEEDED,
        refusal(fifteen));
  }

  @Test
  void nonAsciiTokenIsRefused() throws IOException {
    assertEquals("token in " + dir.resolve("admin.token") + " contains a character other than printable ASCII: "
        + "use hex or base64, e.g. openssl rand -hex 32", refusal("\u00e9".repeat(40)));
  }

  @Test
  void permissionsAreCheckedBeforeTheLength() throws IOException {
    Path f = tokenFile("x");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals("token file " + f + " is accessible by other users (rw-r--r--): run chmod 600 " + f,
        assertThrows(BadTokenFileException.class, () -> AdminToken.read(f)).getMessage());
  }
}
