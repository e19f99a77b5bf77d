package org.distvault.prefetch.pbulk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * pbulk's {@code meta/error} (or {@code meta/success}): one PKGNAME per line, each ended by a
 * newline. pbulk-build reads both back when it starts and treats a listed package as failed (or
 * done) without building it; a line that is not a presolve PKGNAME, or a last line without its
 * newline, stops pbulk-build with "Package from failing build log doesn't exist" or "Invalid
 * input" (pbuild/jobs.c {@code mark_initial_state}), so only presolve PKGNAMEs are appended, each
 * with its newline.
 *
 * <p>Not thread-safe; one prefetch run writes it, before pbulk-build starts.
 */
final class ErrorList {
  private final Path file;

  ErrorList(Path file) {
    this.file = file;
  }

  /** The names listed now; empty when the file does not exist. */
  Set<String> names() throws IOException {
    try {
      Set<String> out = new LinkedHashSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isEmpty()) {
          out.add(line);
        }
      }
      return out;
    } catch (NoSuchFileException e) {
      return Set.of();
    }
  }

  /**
   * Appends these names (which must not be listed yet) in one write, then forces them to disk;
   * creates the file when it does not exist (also with no names, so that pbulk's
   * bulkbuild-restart finds it). A last line left without its newline gets one first.
   */
  void append(List<String> names) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String n : names) {
      b.append(n).append('\n');
    }
    if (!endsWithNewline()) {
      b.insert(0, '\n');
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /** True for a missing or empty file, or one whose last byte is a newline. */
  private boolean endsWithNewline() throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() == 0) {
        return true;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, ch.size() - 1);
      return last.get(0) == '\n';
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  Path file() {
    return file;
  }
}
