package org.distvault.prefetch.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;

/**
 * A {@link BlobSink} that writes distfiles into a DISTDIR layout, {@code dir/[DIST_SUBDIR/]name},
 * e.g. for operators mirroring into a directory that pkgsrc or a web server reads.
 *
 * <p>Each file appears atomically: it is written (or the spool file moved) under a temporary
 * {@code .distvault-tmp-*} name beside its target, flushed to disk, then renamed; the directory
 * is flushed too. {@link #have} counts a file as present only if its size and every expected
 * digest match, so a rerun re-hashes what is already there. Outcomes are not recorded here (the
 * run's report has them). Thread-safe.
 */
public final class DirectorySink implements BlobSink {
  private final Path dir;

  public DirectorySink(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  public Path directory() {
    return dir;
  }

  /** Where a distfile lives in the directory. */
  public Path pathOf(ExpectedDistfile e) {
    return dir.resolve(e.name().value());
  }

  @Override
  public BitSet have(List<ExpectedDistfile> entries) throws IOException {
    BitSet present = new BitSet(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      if (holds(entries.get(i))) {
        present.set(i);
      }
    }
    return present;
  }

  private boolean holds(ExpectedDistfile e) throws IOException {
    Path p = pathOf(e);
    if (!Files.isRegularFile(p)) {
      return false;
    }
    long size = Files.size(p);
    if (e.size().isPresent() && e.size().getAsLong() != size) {
      return false;
    }
    MultiDigester d = MultiDigester.of(e.digests().algorithms());
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
    }
    Digests actual = d.finish();
    try {
      actual.verify(e.digests());
      return true;
    } catch (DigestMismatchException mismatch) {
      return false; // a different file under that name: the run replaces it
    }
  }

  @Override
  public void put(VerifiedBlob blob, List<ExpectedDistfile> entries) throws IOException {
    Path first = null;
    Set<Path> done = new HashSet<>();
    for (ExpectedDistfile e : entries) {
      Path target = pathOf(e);
      if (!done.add(target)) {
        continue;
      }
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(".distvault-tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      try {
        if (first == null) {
          moveOrCopy(blob.file(), tmp);
        } else {
          Files.copy(first, tmp);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      syncDirectory(target.getParent());
      if (first == null) {
        first = target;
      }
    }
  }

  private static void moveOrCopy(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.copy(from, to); // spool on another filesystem
    }
  }

  private static void syncDirectory(Path d) throws IOException {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Nothing to do: a plain directory keeps no outcomes; the run's report lists them. */
  @Override
  public void recordOutcomes(List<Outcome> outcomes) {
    // Intentionally empty, see Javadoc.
  }
}
