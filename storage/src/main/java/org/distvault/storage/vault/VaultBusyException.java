package org.distvault.storage.vault;

/** Thrown when a garbage collection or a scrub is asked for while one of them runs. */
public final class VaultBusyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public VaultBusyException(String message) {
    super(message);
  }
}
