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
 * by the group is used with a warning, as is a token shorter than {@value #MIN_LENGTH}
 * characters.
 */
public final class AdminToken {
  private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

  /** Shorter tokens are used but warned about. */
  public static final int MIN_LENGTH = 16;

  private AdminToken() {}

  /**
   * The token in an existing {@code file}.
   *
   * @throws BadTokenFileException naming the file and the problem (missing, unsafe permissions,
   *     empty, whitespace inside)
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
    if (token.length() < MIN_LENGTH) {
      log.warn("the token in {} has only {} characters: use at least {}", file, token.length(), MIN_LENGTH);
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
