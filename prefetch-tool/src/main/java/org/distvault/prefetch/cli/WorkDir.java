package org.distvault.prefetch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distvault.storage.blob.StoreRecovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prefetch run's work directory (spool and lock): the operator's {@code --work-dir}, kept
 * afterwards, or a fresh temporary directory under {@code java.io.tmpdir}, removed on close.
 * A rerun needs no kept spool to resume: whatever was verified was delivered to the server,
 * which tells the rerun it holds it.
 */
final class WorkDir implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkDir.class);

  private final Path path;
  private final boolean temporary;

  private WorkDir(Path path, boolean temporary) {
    this.path = path;
    this.temporary = temporary;
  }

  /** {@code dir} (created if missing), or a new temporary directory when {@code dir} is null. */
  static WorkDir open(Path dir) throws CliException {
    try {
      if (dir == null) {
        return new WorkDir(Files.createTempDirectory("distvault-prefetch-"), true);
      }
      return new WorkDir(Files.createDirectories(dir), false);
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot create the work directory "
          + (dir == null ? "under " + System.getProperty("java.io.tmpdir") : dir) + ": " + e, e);
    }
  }

  Path path() {
    return path;
  }

  /** Removes a temporary work directory with what the run left in it; keeps {@code --work-dir}. */
  @Override
  public void close() {
    if (!temporary) {
      return;
    }
    try {
      StoreRecovery.deleteTree(path);
    } catch (IOException e) {
      log.warn("cannot remove the temporary work directory {}: {}", path, e.toString());
    }
  }
}
