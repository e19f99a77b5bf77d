package org.distvault.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * Deterministic test content for the S3 tests, its reference SHA-512 from the JDK, and the
 * backend setup they share.
 */
final class TestBlobs {
  static final String BUCKET = "distvault-test";

  private TestBlobs() {}

  /** {@code size} pseudo-random bytes, the same for the same seed. */
  static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** The same bytes as {@link #bytes} (for any size), generated while read: nothing held whole. */
  static InputStream stream(long seed, long size) {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private final byte[] block = new byte[8192];
      private int pos = block.length;
      private long left = size;

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

  static Digest sha512(byte[] data) {
    return Digest.of(DigestAlgorithm.SHA512, jdk().digest(data));
  }

  static Digest sha512(InputStream in) {
    MessageDigest md = jdk();
    byte[] buf = new byte[1 << 16];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Digest.of(DigestAlgorithm.SHA512, md.digest());
  }

  static Digest sha512(Path file) throws IOException {
    return sha512(Files.newInputStream(file));
  }

  /** A SHA-512 no test content has. */
  static Digest other(long seed) {
    return sha512(bytes(seed, 7));
  }

  /** Exact size and SHA-512, as a distinfo entry gives them. */
  static Expectation exactly(byte[] data) {
    return Expectation.of(data.length, Digests.of(List.of(sha512(data))));
  }

  /** Options for the test server: short timeouts, two attempts, 5 MiB parts. */
  /**
   * Expects {@code name} (PKGPATH misc/x, its size and SHA-512) in the vault's default set, ingests
   * {@code content} and binds the name to it.
   */
  static void bindInDefaultSet(Vault vault, DistfileName name, byte[] content) throws IOException {
    SourceSet set = vault.defaultSet();
    set.expect(List.of(new ExpectedDistfile(name, OptionalLong.of(content.length), Digests.of(List.of(sha512(content))),
        Set.of("misc/x"), List.of())));
    Digest d = vault.ingest(new ByteArrayInputStream(content), exactly(content)).sha512();
    DistfileRecord r = set.distfile(name).orElseThrow();
    set.bind(r.ref(r.variantFor("misc/x").orElseThrow()), d);
  }

  static S3Options options(S3Server s3, String prefix) {
    return S3Options.of(BUCKET, prefix)
        .withEndpoint(s3.endpoint())
        .withRegion(S3Server.REGION.id())
        .withPathStyle()
        .withCredentials(s3.credentials())
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2))
        .withMaxAttempts(2)
        .withPartSize(S3Options.MIN_PART_SIZE)
        .withBlobs(BlobStoreOptions.defaults());
  }

  private static MessageDigest jdk() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every file under {@code dir}, recursively (e.g. a tier's {@code tmp/}). */
  static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
