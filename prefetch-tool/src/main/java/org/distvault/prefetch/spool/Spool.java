package org.distvault.prefetch.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.storage.digest.DigestAlgorithm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool directory {@code WORK/spool/} of one prefetch run, held under an exclusive lock on
 * {@code WORK/prefetch.lock} so that two runs never share it.
 *
 * <p>Opening it deletes every file a previous (killed) run left in it: those were never
 * verified. Thread-safe; closing releases the lock (a killed process releases it too).
 */
public final class Spool implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final String PREFIX = "spool-";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final int cleaned;
  private final AtomicLong counter = new AtomicLong();

  private Spool(Path dir, FileChannel lockChannel, FileLock lock, int cleaned) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.cleaned = cleaned;
  }

  /**
   * Locks {@code workDir} and empties its spool directory.
   *
   * @throws IOException naming the directory when another run holds it
   */
  public static Spool open(Path workDir) throws IOException {
    Files.createDirectories(workDir);
    Path dir = workDir.resolve("spool");
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(workDir.resolve("prefetch.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("work directory " + workDir + " is in use by another prefetch run");
    }
    int cleaned = 0;
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir)) {
      for (Path p : leftovers) {
        Files.delete(p);
        cleaned++;
      }
    } catch (IOException e) {
      lock.release();
      ch.close();
      throw e;
    }
    if (cleaned > 0) {
      log.info("removed {} unverified spool file(s) left by an earlier run in {}", cleaned, dir);
    }
    return new Spool(dir, ch, lock, cleaned);
  }

  /** How many leftover files opening removed. */
  public int cleanedAtOpen() {
    return cleaned;
  }

  public Path directory() {
    return dir;
  }

  /**
   * Creates a new spool file that computes {@code algorithms} (SHA-512 is always added: it is
   * the blob key) while it is written.
   */
  public SpoolFile create(Set<DigestAlgorithm> algorithms) throws IOException {
    Path p = dir.resolve(PREFIX + counter.incrementAndGet() + ".part");
    return SpoolFile.create(p, algorithms);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
