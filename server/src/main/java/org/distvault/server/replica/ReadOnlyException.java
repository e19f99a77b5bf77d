package org.distvault.server.replica;

/** A write to the primary's bucket that a replica refused (the admin API answers 409). */
public final class ReadOnlyException extends UnsupportedOperationException {
  private static final long serialVersionUID = 1L;

  ReadOnlyException(String message) {
    super(message);
  }
}
