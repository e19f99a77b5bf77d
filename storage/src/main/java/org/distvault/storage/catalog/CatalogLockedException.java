package org.distvault.storage.catalog;

import java.nio.file.Path;

/** The catalog directory is already open, by another process or by this one. */
public final class CatalogLockedException extends CatalogException {
  private final Path directory;

  public CatalogLockedException(Path directory, Throwable cause) {
    super(
        "catalog " + directory + " is locked by another process: is a distvault server already"
            + " running?",
        cause);
    this.directory = directory;
  }

  /** The catalog directory that could not be locked. */
  public Path directory() {
    return directory;
  }
}
