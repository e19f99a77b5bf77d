package org.distvault.storage.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.MultiDigester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads every blob file and quarantines each one whose bytes do not hash to its name, or whose
 * name or place is not a valid blob path (see {@link BlobLayout}).
 *
 * <p>Reads each file with O_DIRECT where the file system allows ({@link DirectIo#readAll}), so the
 * bytes hashed are those on the disk, and through the page cache otherwise.
 *
 * <p>Runs alongside ingests and serving: a blob replaced while it was being hashed is left alone
 * (the quarantine checks the file's identity), and a reader that already opened a quarantined
 * blob keeps reading it. One scrub at a time per instance is intended; not rate-limited.
 */
public final class Scrubber {
  private static final Logger log = LoggerFactory.getLogger(Scrubber.class);
  private static final int BUFFER = 1024 * 1024;

  private final BlobStore store;

  public Scrubber(BlobStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Scrubs the whole store. {@code onCorrupt} is called for each corrupt file right after it was
   * quarantined (e.g. to drop it from the catalog); an exception it throws stops the scrub.
   */
  public ScrubReport scrub(Consumer<CorruptBlob> onCorrupt) throws IOException {
    Walk walk = new Walk(onCorrupt);
    Files.walkFileTree(store.layout().root(), walk);
    ScrubReport report = new ScrubReport(walk.checked, walk.bytes, walk.corrupt, walk.skipped);
    log.info(
        "scrub checked {} blobs, {} bytes: {} corrupt, {} skipped", report.checked(),
        report.bytes(), report.corrupt().size(), report.skipped().size());
    return report;
  }

  /** Scrubs the whole store without a callback. */
  public ScrubReport scrub() throws IOException {
    return scrub(c -> {});
  }

  private final class Walk extends SimpleFileVisitor<Path> {
    private final Consumer<CorruptBlob> onCorrupt;
    private final byte[] buffer = new byte[BUFFER];
    private final List<CorruptBlob> corrupt = new ArrayList<>();
    private final List<Path> skipped = new ArrayList<>();
    private long checked;
    private long bytes;
    /** The blob root's block size for O_DIRECT reads, or 0 for none: looked up once per scrub. */
    private final int block;

    Walk(Consumer<CorruptBlob> onCorrupt) {
      this.onCorrupt = onCorrupt;
      int b;
      try {
        b = DirectIo.blockSize(store.layout().root());
      } catch (IOException e) {
        b = 0; // the walk meets the trouble itself, blob by blob
      }
      this.block = b;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      Path root = store.layout().root();
      int depth = dir.getNameCount() - root.getNameCount();
      if (depth == 0 || (depth <= 2 && BlobLayout.isBucketName(dir.getFileName().toString()))) {
        return FileVisitResult.CONTINUE;
      }
      // lost+found and the like: not ours to judge or move.
      log.warn("scrub skipped {}: not a bucket directory", dir);
      skipped.add(dir);
      return FileVisitResult.SKIP_SUBTREE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      Optional<Digest> named = store.layout().digestAt(file);
      if (!attrs.isRegularFile()) {
        report(file, attrs, named, Optional.empty(), "not a regular file");
      } else if (named.isEmpty()) {
        report(file, attrs, named, hashOrEmpty(file), "not a valid blob path");
      } else {
        checkContent(file, attrs, named.get());
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
      if (e instanceof NoSuchFileException) {
        return FileVisitResult.CONTINUE; // quarantined or replaced meanwhile
      }
      throw e;
    }

    private void checkContent(Path file, BasicFileAttributes attrs, Digest expected)
        throws IOException {
      Digest actual;
      try {
        actual = hash(file);
      } catch (NoSuchFileException e) {
        return;
      } catch (IOException e) {
        // An unreadable blob cannot be served either; it goes to quarantine like a wrong one.
        synchronized (store.stripe(expected)) {
          report(file, attrs, Optional.of(expected), Optional.empty(), "unreadable: " + e);
        }
        return;
      }
      checked++;
      bytes += attrs.size();
      if (!actual.equals(expected)) {
        synchronized (store.stripe(expected)) {
          report(file, attrs, Optional.of(expected), Optional.of(actual),
              "content hashes to SHA512 " + actual.hex());
        }
      }
    }

    private void report(
        Path file, BasicFileAttributes attrs, Optional<Digest> expected, Optional<Digest> actual,
        String reason) throws IOException {
      String name = expected.map(Digest::hex).orElse("invalid-" + file.getFileName());
      Optional<Path> moved = store.quarantine().move(file, attrs.fileKey(), name, reason);
      if (moved.isEmpty()) {
        return; // replaced or removed since it was examined: the next scrub looks again
      }
      CorruptBlob c = new CorruptBlob(file, expected, actual, attrs.size(), reason, moved.get());
      corrupt.add(c);
      onCorrupt.accept(c);
    }

    private Optional<Digest> hashOrEmpty(Path file) {
      try {
        return Optional.of(hash(file));
      } catch (IOException e) {
        log.warn("cannot read {}: {}", file, e.toString());
        return Optional.empty();
      }
    }

    private Digest hash(Path file) throws IOException {
      // Past the page cache where the file system allows: what is checked is what is on the disk,
      // not a cached copy of it, and a scrub of the whole store does not evict what is served.
      MultiDigester direct = MultiDigester.of(DigestAlgorithm.SHA512);
      if (DirectIo.readAll(file, block, bytes -> {
        while (bytes.hasRemaining()) {
          int n = Math.min(bytes.remaining(), buffer.length);
          bytes.get(buffer, 0, n);
          direct.update(buffer, 0, n);
        }
      })) {
        return direct.finish().get(DigestAlgorithm.SHA512).orElseThrow();
      }
      MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512);
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer bb = ByteBuffer.wrap(buffer);
        while (ch.read(bb.clear()) >= 0) {
          d.update(bb.flip());
        }
      }
      return d.finish().get(DigestAlgorithm.SHA512).orElseThrow();
    }
  }
}
