package org.distvault.server.mode;

import java.util.Objects;

/**
 * Who asked for a change, as the audit log names them: never a secret.
 *
 * @param id {@code token:<first 8 hex of the token's SHA-256>} for an API caller, {@code local:<what>}
 *     for the operator on the server host (e.g. {@code local:serve})
 * @param client the client's IP address, or {@code local}
 */
public record Actor(String id, String client) {
  public Actor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(client, "client");
  }

  /** The operator acting on the server host, e.g. through {@code serve --mode}. */
  public static Actor local(String what) {
    return new Actor("local:" + what, "local");
  }
}
