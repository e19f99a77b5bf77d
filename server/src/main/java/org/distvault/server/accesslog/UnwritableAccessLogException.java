package org.distvault.server.accesslog;

import java.io.IOException;
import java.nio.file.Path;

/** The access log file cannot be created or opened for appending; the message names the file. */
public final class UnwritableAccessLogException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Path file;

  UnwritableAccessLogException(Path file, IOException cause) {
    super(file + ": " + cause, cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
