package org.distvault.prefetch.client;

import java.io.IOException;

/** A token file that must not or cannot be used; the message names the file and what is wrong. */
public final class BadTokenFileException extends IOException {
  public BadTokenFileException(String message) {
    super(message);
  }
}
