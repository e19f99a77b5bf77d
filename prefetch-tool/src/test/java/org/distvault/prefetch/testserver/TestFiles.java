package org.distvault.prefetch.testserver;

import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.DistfileName;

/** Deterministic test content and the manifest entries that expect it. */
public final class TestFiles {
  private TestFiles() {}

  /** {@code size} pseudo-random bytes from {@code seed}. */
  public static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** BLAKE2s + SHA512 of {@code content}, as a modern distinfo lists. */
  public static Digests digests(byte[] content) {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512);
    d.update(content, 0, content.length);
    return d.finish();
  }

  /** An entry expecting {@code content} under {@code name} in {@code pkgpath}, from {@code urls}. */
  public static ExpectedDistfile entry(String name, String pkgpath, byte[] content, String... urls) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(content.length), digests(content),
        Set.of(pkgpath), List.of(urls));
  }

  public static String sha512(byte[] content) {
    return digests(content).get(DigestAlgorithm.SHA512).orElseThrow().hex();
  }
}
