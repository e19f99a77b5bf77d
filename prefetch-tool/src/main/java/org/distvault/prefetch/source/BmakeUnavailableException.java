package org.distvault.prefetch.source;

import java.io.IOException;

/** bmake could not be started at all (not installed, not executable): no package can be scanned. */
public final class BmakeUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  BmakeUnavailableException(String bmake, IOException cause) {
    super("cannot run bmake '" + bmake + "': " + cause.getMessage()
        + " (install bmake, or name it with --bmake PATH)", cause);
  }
}
