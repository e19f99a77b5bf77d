package org.distvault.server.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.distvault.server.http.BlobSource;
import org.distvault.server.http.Lookup;
import org.distvault.server.http.PkgPath;
import org.distvault.server.http.ServableBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.DistfileName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobSource} over a directory laid out like DISTDIR ({@code [DIST_SUBDIR/]file}), hashed
 * once when it is scanned.
 *
 * <p>Each regular file is a blob named by its path relative to the root ({@code /}-separated),
 * stored at its modification time. Symbolic links are not followed, and files whose relative path
 * is not a valid {@link DistfileName} are skipped with a warning. Lookups use the in-memory index
 * only, never the request's name as a path. A file whose size changed after the scan is refused
 * when served; one rewritten in place at the same size is served with stale validators, and one
 * replaced by another file after it was served may go on being served from the file kept open: this
 * is for benchmarks and manual trials, not the store. Immutable after {@link #scan} and thread-safe.
 */
public final class DirectoryBlobSource implements BlobSource {
  private static final Logger log = LoggerFactory.getLogger(DirectoryBlobSource.class);
  private static final int BUFFER_BYTES = 1 << 20;

  private final Map<DistfileName, ServableBlob> byName;
  private final Map<Digest, ServableBlob> byDigest;

  private DirectoryBlobSource(Map<DistfileName, ServableBlob> byName, Map<Digest, ServableBlob> byDigest) {
    this.byName = Map.copyOf(byName);
    this.byDigest = Map.copyOf(byDigest);
  }

  /**
   * Walks {@code root} and hashes every file with SHA-512 and {@code alsoIndex} (for
   * {@code /by-hash/}).
   */
  public static DirectoryBlobSource scan(Path root, Set<DigestAlgorithm> alsoIndex) throws IOException {
    Set<DigestAlgorithm> algorithms = EnumSet.of(DigestAlgorithm.SHA512);
    algorithms.addAll(alsoIndex);
    Map<DistfileName, ServableBlob> byName = new HashMap<>();
    Map<Digest, ServableBlob> byDigest = new HashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    for (Path file : files) {
      String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      String problem = DistfileName.problem(relative);
      if (problem != null) {
        log.warn("skipping {}: not a valid distfile name: {}", file, problem);
        continue;
      }
      Digests digests = hash(file, algorithms);
      ServableBlob blob = new ServableBlob(
          digests.get(DigestAlgorithm.SHA512).orElseThrow(),
          Files.size(file),
          file,
          Files.getLastModifiedTime(file).toInstant());
      byName.put(DistfileName.of(relative), blob);
      digests.asMap().values().forEach(d -> byDigest.put(d, blob));
    }
    return new DirectoryBlobSource(byName, byDigest);
  }

  /** How many files are served. */
  public int size() {
    return byName.size();
  }

  @Override
  public Lookup find(Optional<PkgPath> pkgPath, DistfileName name) {
    return Lookup.of(Optional.ofNullable(byName.get(name)));
  }

  /** The index is in memory: every lookup can be answered on an I/O thread, as the vault's cache is. */
  @Override
  public Optional<ServableBlob> findInMemory(Optional<PkgPath> pkgPath, DistfileName name) {
    return Optional.ofNullable(byName.get(name));
  }

  @Override
  public Optional<ServableBlob> findByHash(Digest digest) {
    return Optional.ofNullable(byDigest.get(digest));
  }

  private static Digests hash(Path file, Set<DigestAlgorithm> algorithms) throws IOException {
    MultiDigester digester = MultiDigester.of(algorithms);
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer.clear()) >= 0) {
        digester.update(buffer.flip());
      }
    }
    return digester.finish();
  }
}
