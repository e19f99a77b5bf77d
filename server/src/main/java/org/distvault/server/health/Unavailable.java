package org.distvault.server.health;

import java.util.Objects;

/**
 * A request cannot be answered now because the server is degraded (e.g. an offline miss whose
 * violation the catalog cannot record): the HTTP layer answers 503 with {@link #getMessage()} as
 * its one line and logs nothing more, since {@link Health} logged the change of condition. No
 * stack trace is filled in: there is no bug to locate, and under a flood of misses it would cost.
 */
public final class Unavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param line what cannot be done and why, one line
   * @param cause the failure behind it, kept for a debugger
   */
  public Unavailable(String line, Throwable cause) {
    super(Objects.requireNonNull(line, "line"), cause, false, false);
  }
}
