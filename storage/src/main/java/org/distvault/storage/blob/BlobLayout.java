package org.distvault.storage.blob;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * Where a blob lives on disk: {@code DATA/blobs/sha512/ab/cd/<128 hex>}, where {@code ab/cd} are
 * the first four hex digits of its SHA-512.
 *
 * <p>Two levels of 256 buckets keep directories small (a million blobs give about 15 per leaf).
 * Immutable and thread-safe.
 */
public final class BlobLayout {
  private final Path root;

  private BlobLayout(Path root) {
    this.root = root;
  }

  /** The layout of the store in {@code dataDir}: blobs under {@code dataDir/blobs/sha512}. */
  public static BlobLayout of(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    return new BlobLayout(dataDir.resolve("blobs").resolve("sha512"));
  }

  /** The directory holding every bucket: {@code DATA/blobs/sha512}. */
  public Path root() {
    return root;
  }

  /**
   * The path of the blob with this SHA-512 (whether or not it exists).
   *
   * @throws IllegalArgumentException if {@code sha512} is not a SHA-512 digest
   */
  public Path path(Digest sha512) {
    Digest.requireSha512(sha512);
    String hex = sha512.hex();
    return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
  }

  /**
   * The SHA-512 that {@code file} names, if it is exactly where {@link #path} would put that
   * digest: under {@link #root()}, in the right buckets, named by 128 lower-case hex digits.
   */
  public Optional<Digest> digestAt(Path file) {
    if (!file.startsWith(root) || file.getNameCount() != root.getNameCount() + 3) {
      return Optional.empty();
    }
    String hex = file.getFileName().toString();
    if (hex.length() != DigestAlgorithm.SHA512.hexLength() || !isLowerHex(hex)) {
      return Optional.empty();
    }
    Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, hex);
    return path(sha512).equals(file) ? Optional.of(sha512) : Optional.empty();
  }

  /** Whether {@code name} is a valid bucket directory name (two lower-case hex digits). */
  static boolean isBucketName(String name) {
    return name.length() == 2 && isLowerHex(name);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!HexFormat.isHexDigit(s.charAt(i)) || Character.isUpperCase(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
