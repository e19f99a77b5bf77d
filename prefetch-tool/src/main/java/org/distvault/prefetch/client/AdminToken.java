package org.distvault.prefetch.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the admin token file, for the server (which also creates it) and for every client
 * subcommand alike: the token is the file's first line, surrounding whitespace trimmed.
 *
 * <p>A file readable or writable by others is refused (like ssh refuses such keys); one readable
 * by the group is used with a warning. A token that cannot carry {@value #MIN_BITS} bits in its
 * encoding (fewer than 32 hex digits or 22 base64 characters; see {@link TokenStrength}) is
 * refused too: a short token can be guessed over the network, and the client subcommands would
 * only learn that from a 401 later.
 */
public final class AdminToken {
  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

  /** The least a token must carry, judged by its encoding; weaker tokens are refused. */
  public static final int MIN_BITS = TokenStrength.MIN_BITS;

  private AdminToken() {}

  /**
   * The token in an existing {@code file}.
   *
   * @throws BadTokenFileException naming the file and the problem (missing, unsafe permissions,
   *     empty, whitespace or a character other than printable ASCII inside, too short)
   * @throws IOException when it cannot be read
   */
  public static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BadTokenFileException("token file " + file + " does not exist or is not a regular file");
    }
    checkPermissions(file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String token = lines.isEmpty() ? "" : lines.get(0).strip();
    if (token.isEmpty()) {
      throw new BadTokenFileException("token file " + file + " is empty: its first line must be the token");
    }
    if (token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new BadTokenFileException("token in " + file + " contains whitespace or control characters");
    }
    if (token.chars().anyMatch(c -> c >= 0x80)) {
      // It travels in an HTTP header, where only ASCII is safe on every client.
      throw new BadTokenFileException("token in " + file + " contains a character other than printable ASCII: "
          + "use hex or base64, e.g. openssl rand -hex 32");
    }
    String shortfall = TokenStrength.shortfall(token);
    if (shortfall != null) {
      throw new BadTokenFileException("token in " + file + " is too short: " + shortfall
          + " (openssl rand -hex 32 makes one)");
    }
    return token;
  }

  private static void checkPermissions(Path file) throws IOException {
    Set<PosixFilePermission> p;
    try {
      p = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      log.warn("cannot check the permissions of {} on this file system", file);
      return;
    }
    if (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new BadTokenFileException("token file " + file + " is accessible by other users ("
          + PosixFilePermissions.toString(p) + "): run chmod 600 " + file);
    }
    if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.GROUP_WRITE)) {
      log.warn("token file {} is accessible by its group ({}): consider chmod 600",
          file, PosixFilePermissions.toString(p));
    }
  }
}
