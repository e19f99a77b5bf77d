package org.distvault.server.health;

import java.util.Locale;

/**
 * Tells whether a failure was a full file system. Java has no exception type for {@code ENOSPC}:
 * the JDK's file channels throw a plain {@code IOException} whose message is the C library's
 * {@code strerror} text, and the catalog's failures carry RocksDB's status text, which says the
 * same ({@code "IO error: No space left on device: While appending to file: ..."}). So the
 * messages of the cause chain are read, for {@code ENOSPC} and {@code EDQUOT} (a quota is a full
 * disk to this process too).
 */
public final class NoSpace {
  /** How deep the cause chain is followed; a cycle must not loop. */
  private static final int MAX_DEPTH = 16;

  private NoSpace() {}

  /** Whether {@code failure} or one of its causes says the file system is full. */
  public static boolean in(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && says(message)) {
        return true;
      }
    }
    return false;
  }

  static boolean says(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("no space left on device") || m.contains("disk quota exceeded");
  }
}
