package org.distvault.prefetch.client;

import org.distvault.prefetch.deliver.SinkUnavailableException;

/**
 * No connection to the server could be made. A {@link SinkUnavailableException}: a prefetch run
 * stops at once rather than failing every distfile the same way.
 */
public final class ServerUnreachableException extends SinkUnavailableException {
  private static final long serialVersionUID = 1L;

  ServerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
