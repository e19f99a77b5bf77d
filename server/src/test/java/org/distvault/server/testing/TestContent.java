package org.distvault.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.DistfileName;

/** Deterministic test content, its digests, and checks of what a data directory holds. */
public final class TestContent {
  private TestContent() {}

  /** {@code length} pseudo-random bytes from {@code seed}. */
  public static byte[] bytes(long seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Every digest distvault knows, of {@code content}. */
  public static Digests digests(byte[] content) {
    MultiDigester d = MultiDigester.of(EnumSet.allOf(DigestAlgorithm.class));
    d.update(content, 0, content.length);
    return d.finish();
  }

  public static Digest digest(DigestAlgorithm a, byte[] content) {
    return digests(content).get(a).orElseThrow();
  }

  public static String sha512(byte[] content) {
    return digest(DigestAlgorithm.SHA512, content).hex();
  }

  /** SHA512 and BLAKE2s, as a modern distinfo lists them. */
  public static Digests distinfoDigests(byte[] content) {
    Digests all = digests(content);
    return Digests.of(List.of(all.get(DigestAlgorithm.SHA512).orElseThrow(),
        all.get(DigestAlgorithm.BLAKE2S).orElseThrow()));
  }

  /** A manifest entry for {@code content} with SHA512 + BLAKE2s and the size. */
  public static ExpectedDistfile entry(String name, String pkgpath, byte[] content, String... urls) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(content.length),
        distinfoDigests(content), pkgpath == null ? Set.of() : Set.of(pkgpath), List.of(urls));
  }

  /** An endless-looking stream of {@code length} pseudo-random bytes, never held in memory. */
  public static InputStream stream(long seed, long length) {
    return new InputStream() {
      private final Random random = new Random(seed);
      private final byte[] block = new byte[8192];
      private int pos = block.length;
      private long left = length;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        if (pos == block.length) {
          random.nextBytes(block);
          pos = 0;
        }
        int n = (int) Math.min(Math.min(len, block.length - pos), left);
        System.arraycopy(block, pos, b, off, n);
        pos += n;
        left -= n;
        return n;
      }
    };
  }

  /** The digests of {@link #stream}'s bytes, computed by streaming them. */
  public static Digests streamDigests(long seed, long length) throws IOException {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S);
    byte[] buf = new byte[1 << 16];
    try (InputStream in = stream(seed, length)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
    }
    return d.finish();
  }

  /** Regular files under {@code DATA/tmp/}. */
  public static List<Path> tmpFiles(Path data) throws IOException {
    return files(data.resolve("tmp"));
  }

  /** Blob files under {@code DATA/blobs/sha512/}. */
  public static List<Path> blobFiles(Path data) throws IOException {
    return files(data.resolve("blobs").resolve("sha512"));
  }

  private static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
