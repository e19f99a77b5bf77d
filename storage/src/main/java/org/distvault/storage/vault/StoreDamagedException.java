package org.distvault.storage.vault;

import java.io.IOException;

/**
 * The store cannot be opened as it is without becoming less strict than it was: its catalog is
 * missing, belongs to another store, or was rolled back, or its state file is unreadable. The
 * message says in one line what is wrong and what to do; {@code serve} exits 1 with it.
 */
public final class StoreDamagedException extends IOException {
  private static final long serialVersionUID = 1L;

  public StoreDamagedException(String message) {
    super(message);
  }
}
