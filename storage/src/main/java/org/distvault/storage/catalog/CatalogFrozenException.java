package org.distvault.storage.catalog;

/**
 * A write that could change what is expected or bound was refused because the catalog is frozen
 * (see {@link Catalog#freeze}); nothing was written. The message says what was refused and why.
 */
public final class CatalogFrozenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  CatalogFrozenException(String what, String reason) {
    super(what + " refused: " + reason);
    this.reason = reason;
  }

  /** Why the catalog is frozen, as given to {@link Catalog#freeze}. */
  public String reason() {
    return reason;
  }
}
