package org.distvault.prefetch.deliver;

import java.io.IOException;

/**
 * The destination refuses every delivery (bad token, offline mode, unreachable), so the run
 * stops instead of failing each distfile the same way.
 */
public class SinkUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public SinkUnavailableException(String message) {
    super(message);
  }

  public SinkUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
