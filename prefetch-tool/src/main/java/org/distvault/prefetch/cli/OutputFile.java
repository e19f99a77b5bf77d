package org.distvault.prefetch.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a command's output file (report, failure list, manifest) so that it appears whole or
 * not at all: into a hidden temporary file beside it, then renamed over it. A reader (a pbulk
 * hook, a log shipper) never sees half a file, and a failed run leaves the old file in place.
 */
final class OutputFile {
  private static final Logger log = LoggerFactory.getLogger(OutputFile.class);

  /** Writes the content. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private OutputFile() {}

  /** Fails early, before a long run, when {@code file} could not be written later. */
  static void checkWritable(String option, Path file) throws CliException {
    Path dir = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      throw new CliException(ExitCode.USAGE, option + " " + file + " is a directory");
    }
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new CliException(ExitCode.USAGE, option + " " + file + ": directory " + dir
          + " does not exist or is not writable");
    }
  }

  /**
   * Writes {@code file} atomically.
   *
   * @param option the option that named the file, for the error message
   * @throws CliException (bad input, exit 2) naming the option and file when it cannot be written
   */
  static void write(String option, Path file, Content content) throws CliException {
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        content.writeTo(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot write " + option + " " + file + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // The write already failed or succeeded; a stray hidden temp file is all that is left.
        log.warn("cannot remove {}: {}", tmp, e.toString());
      }
    }
  }
}
