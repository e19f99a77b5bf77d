package org.distvault.storage.vault;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.distvault.storage.blob.Fsync;

/** Small files replaced atomically and durably: written beside, fsynced, renamed, directory fsynced. */
final class DurableFile {
  private DurableFile() {}

  /** Replaces {@code file} with {@code text} so that a crash leaves the old or the new content. */
  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    syncAndRename(tmp, file);
  }

  /** fsyncs {@code tmp}, renames it over {@code file}, fsyncs the directory. */
  static void syncAndRename(Path tmp, Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Fsync.directory(file.getParent());
  }
}
