package org.distvault.storage.record;

/**
 * A write that could change what is expected or bound was refused because the catalog is frozen
 * (see {@code Vault#freeze}); nothing was written. The message says what was refused and why.
 */
public final class FrozenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  public FrozenException(String what, String reason) {
    super(what + " refused: " + reason);
    this.reason = reason;
  }

  /** Why the catalog is frozen, as given to {@code Vault#freeze}. */
  public String reason() {
    return reason;
  }
}
