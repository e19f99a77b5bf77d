package org.distvault.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import org.distvault.prefetch.client.AdminToken;
import org.distvault.prefetch.client.BadTokenFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token file: the token is its first line (surrounding whitespace trimmed).
 *
 * <p>{@link #loadOrCreate} creates a missing file with a random token (32 random bytes as hex),
 * readable by its owner only (0600), atomically: the file appears with its permissions already
 * set and never holds a partial token: 256 bits, twice what {@link AdminToken} requires. An
 * existing file is read by {@link AdminToken}, which refuses one readable or writable by others
 * and a token of fewer than {@value AdminToken#MIN_BITS} bits (fewer than 32 hex digits or 22
 * base64 characters).
 */
public final class TokenFile {
  private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

  private final Path file;
  private final String token;
  private final boolean created;

  private TokenFile(Path file, String token, boolean created) {
    this.file = file;
    this.token = token;
    this.created = created;
  }

  /**
   * Reads the token from {@code file}, creating the file with a new random token if missing.
   *
   * @throws BadTokenFileException naming the file and the problem (unsafe permissions, empty, too
   *     short)
   * @throws IOException when it cannot be read or created
   */
  public static TokenFile loadOrCreate(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.exists(file)) {
      try {
        return create(file);
      } catch (FileAlreadyExistsException e) {
        log.info("token file {} appeared while creating it: reading it", file);
      }
    }
    return load(file);
  }

  /**
   * Reads the token from an existing {@code file} (the checks are {@link AdminToken#read}'s, the
   * same the client subcommands make).
   *
   * @throws BadTokenFileException naming the file and the problem
   */
  public static TokenFile load(Path file) throws IOException {
    return new TokenFile(file, AdminToken.read(file), false);
  }

  private static TokenFile create(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    Path tmp = Files.createTempFile(dir, ".admin-token", ".tmp", PosixFilePermissions.asFileAttribute(ownerOnly));
    try {
      Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
      // createLink fails if the file exists: never overwrite a token someone else just wrote.
      Files.createLink(file, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
    log.info("created admin token file {} (mode 0600)", file);
    return new TokenFile(file, token, true);
  }

  public Path file() {
    return file;
  }

  /** The secret. Never log it. */
  public String token() {
    return token;
  }

  /** Whether this call created the file. */
  public boolean created() {
    return created;
  }

  /** The token's public identity for logs and audit entries; see {@link TokenId}. */
  public String id() {
    return TokenId.of(token);
  }

  @Override
  public String toString() {
    return "TokenFile[" + file + ", " + id() + "]";
  }
}
