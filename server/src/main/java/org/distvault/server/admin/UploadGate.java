package org.distvault.server.admin;

import java.util.Optional;

/**
 * Whether the server accepts writes from the admin API now. The server core implements it from
 * the mode: offline (sealed) refuses uploads, manifests and outcomes.
 *
 * <p>Implementations are thread-safe and cheap (called once per request, before its body is read).
 */
@FunctionalInterface
public interface UploadGate {
  /** Always open: for tests and tools that own the store. */
  UploadGate OPEN = Optional::empty;

  /**
   * Why writes are refused now, as one line (answered with 409), or empty when they are allowed.
   */
  Optional<String> refusal();
}
