package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces directory entries to disk. A rename or a new file is durable only once its directory is
 * fsynced; Linux allows that on a read-only descriptor of the directory.
 */
public final class Fsync {
  private Fsync() {}

  /** fsyncs the directory {@code dir} itself (its list of entries). */
  public static void directory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
