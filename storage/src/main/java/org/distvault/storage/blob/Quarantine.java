package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DATA/quarantine/}: where files that must no longer be served go, each beside a {@code
 * .reason} text file saying where it was, its size, when and why.
 *
 * <p>Nothing is deleted: an operator can inspect a quarantined file and remove it by hand.
 * Thread-safe (moves are serialised, so that two never pick the same name).
 */
final class Quarantine {
  private static final Logger log = LoggerFactory.getLogger(Quarantine.class);
  /** Bounds the search for a free name when the same content is quarantined again and again. */
  private static final int MAX_SUFFIX = 10_000;

  private final Path dataDir;
  private final Path dir;
  private final Path tmpDir;
  private final Clock clock;
  private final AtomicLong moved = new AtomicLong();

  Quarantine(Path dataDir, Path tmpDir, Clock clock) {
    this.dataDir = dataDir;
    this.dir = dataDir.resolve("quarantine");
    this.tmpDir = tmpDir;
    this.clock = clock;
  }

  /**
   * Moves {@code file} here as {@code name} (or {@code name.N} if taken) with its reason file,
   * unless it vanished or, when {@code fileKey} is given, was replaced since it was examined.
   *
   * @return where the file went, or empty if it was not moved
   */
  /** How many files were moved here since this was made; see {@link BlobStore#quarantined()}. */
  long moved() {
    return moved.get();
  }

  synchronized Optional<Path> move(Path file, Object fileKey, String name, String why)
      throws IOException {
    String reason = why.replaceAll("[\\r\\n]+", " ");
    BasicFileAttributes attrs = BlobStore.attributesOrNull(file);
    if (attrs == null || (fileKey != null && !fileKey.equals(attrs.fileKey()))) {
      return Optional.empty();
    }
    Path dest = freeName(name);
    // The reason is written and synced first, so that it can follow the file in one rename.
    Path reasonTemp = tmpDir.resolve("reason-" + UUID.randomUUID() + ".part");
    try {
      writeSynced(reasonTemp, reasonText(file, attrs.size(), reason));
      Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
      moved.incrementAndGet(); // at once: readers that keep blob files open look at it
      Files.move(
          reasonTemp, dest.resolveSibling(dest.getFileName() + ".reason"),
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(reasonTemp);
    }
    Fsync.directory(dir);
    Fsync.directory(file.getParent());
    log.warn("quarantined {} as {}: {}", file, dest, reason);
    return Optional.of(dest);
  }

  private Path freeName(String name) throws IOException {
    for (int i = 0; i < MAX_SUFFIX; i++) {
      String candidate = i == 0 ? name : name + "." + i;
      Path p = dir.resolve(candidate);
      if (BlobStore.attributesOrNull(p) == null
          && BlobStore.attributesOrNull(p.resolveSibling(candidate + ".reason")) == null) {
        return p;
      }
    }
    throw new FileSystemException(dir.toString(), null, "no free name for " + name);
  }

  private String reasonText(Path file, long size, String reason) {
    return "file: " + dataDir.relativize(file) + "\n"
        + "size: " + size + "\n"
        + "quarantined: " + clock.instant() + "\n"
        + "reason: " + reason + "\n";
  }

  private static void writeSynced(Path p, String text) throws IOException {
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer bb = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ch.force(true);
    }
  }
}
