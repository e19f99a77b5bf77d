package org.distvault.server.mode;

import java.util.Arrays;
import java.util.Optional;

/** The server's mode: filling the cache, or sealed for an offline build. */
public enum Mode {
  /** Filling: hits are served, misses are plain 404s (read-through later), uploads accepted. */
  ONLINE("online"),
  /** Sealed: no outbound connection, uploads refused, every miss is a recorded violation. */
  OFFLINE("offline");

  private final String wireName;

  Mode(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the command line, in JSON and in metric labels. */
  public String wireName() {
    return wireName;
  }

  /** The mode with this name ({@code online} or {@code offline}). */
  public static Optional<Mode> byWireName(String name) {
    return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
