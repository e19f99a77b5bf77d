package org.distvault.server.status;

import java.util.Locale;
import java.util.Optional;

/** Who may see the status page ({@code serve --status-page}). */
public enum StatusAccess {
  /** Not served: the routes answer 404. */
  OFF,
  /** Anyone the listener serves; the per-client detail only with the admin token. */
  PUBLIC,
  /** Only requests with the admin token (401 otherwise). */
  ADMIN;

  /** The flag's value: {@code off}, {@code public}, {@code admin}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The access named {@code wire}, if it is one. */
  public static Optional<StatusAccess> byWireName(String wire) {
    for (StatusAccess a : values()) {
      if (a.wireName().equals(wire)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
