package org.distvault.server.http;

/** A request target that is hostile or malformed; the message is the one-line 400 reason. */
public final class BadRequestTargetException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadRequestTargetException(String reason) {
    super(reason);
  }
}
