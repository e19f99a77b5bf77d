package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery of the blob store: removes everything left in {@code DATA/tmp/} by ingests
 * that a crash or kill interrupted.
 *
 * <p>Nothing in {@code DATA/tmp/} is ever served or referenced, and a blob reaches {@code
 * DATA/blobs/} only by an atomic rename after it was verified, so deleting every leftover loses
 * nothing. It must run before the store accepts ingests (and while holding the store's lock), or
 * it would delete live temp files.
 */
public final class StoreRecovery {
  private static final Logger log = LoggerFactory.getLogger(StoreRecovery.class);

  /**
   * What one recovery removed.
   *
   * @param removed names of the entries removed from {@code DATA/tmp/}, sorted
   * @param bytes their total size (directories counted with their contents)
   */
  public record Result(List<String> removed, long bytes) {
    public Result {
      removed = List.copyOf(removed);
    }
  }

  private StoreRecovery() {}

  /** Removes every entry of {@code tmpDir}, logging each, and fsyncs {@code tmpDir}. */
  public static Result cleanTmp(Path tmpDir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir)) {
      ds.forEach(entries::add);
    }
    entries.sort(null);
    List<String> removed = new ArrayList<>();
    long bytes = 0;
    for (Path p : entries) {
      long size = deleteTree(p);
      log.info("removed leftover of an interrupted ingest: {} ({} bytes)", p, size);
      removed.add(p.getFileName().toString());
      bytes += size;
    }
    if (!removed.isEmpty()) {
      Fsync.directory(tmpDir);
      log.warn("start-up removed {} leftover(s), {} bytes, from {}", removed.size(), bytes, tmpDir);
    }
    return new Result(removed, bytes);
  }

  /**
   * Deletes a file, link or directory tree without following links; returns the bytes freed. The
   * one recursive delete of the project: the prefetch tool removes its temporary work directory
   * with it too.
   */
  public static long deleteTree(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      long size =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
      Files.delete(p);
      return size;
    }
    long[] total = {0};
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            total[0] += attrs.size();
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
    return total[0];
  }
}
