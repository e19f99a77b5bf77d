package org.distvault.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.distvault.prefetch.client.AdminToken;
import org.distvault.prefetch.client.BadTokenFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token file on a real file system. */
class TokenFileTest {
  @TempDir Path dir;

  @Test
  void missingFileIsCreatedOwnerOnlyWithARandomToken() throws IOException {
    Path file = dir.resolve("sub/admin.token");
    TokenFile t = TokenFile.loadOrCreate(file);
    assertTrue(t.created());
    assertTrue(t.token().matches("[0-9a-f]{64}"), t.token());
    assertEquals(t.token() + "\n", Files.readString(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var leftovers = Files.list(file.getParent())) {
      assertEquals(1, leftovers.count(), "no temp file left behind");
    }
    TokenFile again = TokenFile.loadOrCreate(file);
    assertFalse(again.created());
    assertEquals(t.token(), again.token());
    assertTrue(t.id().matches("token:[0-9a-f]{8}"));
    assertFalse(t.toString().contains(t.token()));
  }

  @Test
  void twoNewFilesHaveDifferentTokens() throws IOException {
    assertFalse(TokenFile.loadOrCreate(dir.resolve("a")).token().equals(TokenFile.loadOrCreate(dir.resolve("b")).token()));
  }

  @Test
  void firstLineIsTheTokenWithSurroundingSpaceTrimmed() throws IOException {
    Path file = dir.resolve("t");
    Files.writeString(file, "  s3cret-token-0123456789  \r\nsecond line ignored\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertEquals("s3cret-token-0123456789", TokenFile.load(file).token());
  }

  @Test
  void worldReadableFileIsRefused() throws IOException {
    Path file = dir.resolve("t");
    Files.writeString(file, "0123456789abcdef0123\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    BadTokenFileException e = assertThrows(BadTokenFileException.class, () -> TokenFile.loadOrCreate(file));
    assertEquals("token file " + file + " is accessible by other users (rw-r--r--): run chmod 600 " + file, e.getMessage());
  }

  @Test
  void groupReadableFileIsUsed() throws IOException {
    Path file = dir.resolve("t");
    Files.writeString(file, "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    assertEquals("0123456789abcdef0123456789abcdef", TokenFile.load(file).token());
  }

  @Test
  void tokenUnder128BitsIsRefusedAndNoNewOneIsWrittenOverIt() throws IOException {
    Path file = dir.resolve("t");
    for (String token : new String[] {"x", "0123456789abcdef0123456789abcde", "s3cret-token_01234567"}) {
      Files.writeString(file, token + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      BadTokenFileException e = assertThrows(BadTokenFileException.class, () -> TokenFile.loadOrCreate(file));
      assertTrue(e.getMessage().startsWith("token in " + file + " is too short: "), e.getMessage());
      assertTrue(e.getMessage().contains("at least 128 bits are needed: 32 hex digits or 22 base64 characters"),
          e.getMessage());
      assertEquals(token + "\n", Files.readString(file), "the file is left alone");
    }
    Files.writeString(file, "0123456789abcdef0123456789abcdef\n");
    assertEquals("0123456789abcdef0123456789abcdef", TokenFile.load(file).token());
    Files.writeString(file, "s3cret-token_012345678\n");
    assertEquals("s3cret-token_012345678", TokenFile.load(file).token());
  }

  @Test
  void generatedTokenPassesTheClientsCheck() throws IOException {
    Path file = dir.resolve("new.token");
    TokenFile created = TokenFile.loadOrCreate(file);
    assertTrue(created.created());
    // The subcommands read it with AdminToken, which refuses fewer than 128 bits: 64 hex digits are 256.
    assertEquals(created.token(), AdminToken.read(file));
    assertEquals(64, created.token().length());
  }

  @Test
  void emptyFileOrTokenWithInnerSpaceIsRefused() throws IOException {
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
    assertEquals("token file " + empty + " is empty: its first line must be the token",
        assertThrows(BadTokenFileException.class, () -> TokenFile.load(empty)).getMessage());
    Path spaced = dir.resolve("spaced");
    Files.writeString(spaced, "abc def\n");
    Files.setPosixFilePermissions(spaced, PosixFilePermissions.fromString("rw-------"));
    assertEquals("token in " + spaced + " contains whitespace or control characters",
        assertThrows(BadTokenFileException.class, () -> TokenFile.load(spaced)).getMessage());
  }

  @Test
  void tokenIdIsTheSha256Prefix() {
    // printf abc | sha256sum -> ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertEquals("token:ba7816bf", TokenId.of("abc"));
  }
}
