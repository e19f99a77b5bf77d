package org.distvault.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * Deterministic test content and reference digests computed without the code under test (JDK
 * {@link MessageDigest} and Bouncy Castle directly).
 */
public final class TestContent {
  private TestContent() {}

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** The reference digest of {@code data}. */
  static Digest digest(DigestAlgorithm algorithm, byte[] data) {
    byte[] out =
        switch (algorithm) {
          case SHA512 -> jdk("SHA-512", data);
          case SHA256 -> jdk("SHA-256", data);
          case SHA1 -> jdk("SHA-1", data);
          case BLAKE2S -> {
            Blake2sDigest d = new Blake2sDigest(256);
            d.update(data, 0, data.length);
            byte[] o = new byte[32];
            d.doFinal(o, 0);
            yield o;
          }
          case RMD160 -> {
            RIPEMD160Digest d = new RIPEMD160Digest();
            d.update(data, 0, data.length);
            byte[] o = new byte[20];
            d.doFinal(o, 0);
            yield o;
          }
        };
    return Digest.of(algorithm, out);
  }

  /** The same digest with its last byte changed. */
  static Digest wrong(Digest d) {
    byte[] b = d.bytes();
    b[b.length - 1] ^= 1;
    return Digest.of(d.algorithm(), b);
  }

  /** Regular files (and links) anywhere under {@code dir}, sorted. */
  public static List<Path> filesUnder(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Entries directly in {@code dir}, sorted. */
  public static List<Path> entries(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] jdk(String name, byte[] data) {
    try {
      return MessageDigest.getInstance(name).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An endless stream of zero bytes that counts what was read from it. */
  static final class EndlessStream extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      read += len;
      return len;
    }
  }
}
