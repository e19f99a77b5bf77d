package org.distvault.storage.digest;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable digest value: an algorithm and the bytes it produced.
 *
 * <p>The canonical text form is lower-case hex, as pkgsrc writes it. {@link #equals} compares in
 * constant time.
 */
public final class Digest {
  private static final HexFormat HEX = HexFormat.of();

  private final DigestAlgorithm algorithm;
  private final byte[] bytes;
  /** {@link #hashCode}, once computed (0 before): a digest is a map key on every served request. */
  private int hash;

  private Digest(DigestAlgorithm algorithm, byte[] bytes) {
    this.algorithm = algorithm;
    this.bytes = bytes;
  }

  /** Wraps a copy of {@code bytes}, which must have the algorithm's length. */
  public static Digest of(DigestAlgorithm algorithm, byte[] bytes) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (bytes.length != algorithm.length()) {
      throw new IllegalArgumentException(
          algorithm.distinfoName() + " digest must be " + algorithm.length() + " bytes, got "
              + bytes.length);
    }
    return new Digest(algorithm, bytes.clone());
  }

  /**
   * Parses hex of exactly the algorithm's length. Upper-case digits are accepted and
   * normalised; anything else is rejected with a message naming what was wrong.
   */
  public static Digest fromHex(DigestAlgorithm algorithm, String hex) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (hex.length() != algorithm.hexLength()) {
      throw new IllegalArgumentException(
          algorithm.distinfoName() + " digest must be " + algorithm.hexLength()
              + " hex digits, got " + hex.length());
    }
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        throw new IllegalArgumentException(
            algorithm.distinfoName() + " digest has a non-hex character at position " + i);
      }
    }
    return new Digest(algorithm, HEX.parseHex(hex));
  }

  /**
   * Returns {@code d} if it is a SHA-512 digest, the only kind that names a blob.
   *
   * @throws IllegalArgumentException naming the digest otherwise
   */
  public static Digest requireSha512(Digest d) {
    java.util.Objects.requireNonNull(d, "sha512");
    if (d.algorithm() != DigestAlgorithm.SHA512) {
      throw new IllegalArgumentException("a blob is named by its SHA-512, not by " + d);
    }
    return d;
  }

  public DigestAlgorithm algorithm() {
    return algorithm;
  }

  /** A copy of the digest bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lower-case hex. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d
        && d.algorithm == algorithm
        && MessageDigest.isEqual(d.bytes, bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      // A race computes it twice, to the same value.
      h = algorithm.hashCode() * 31 + Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** {@code ALG:hex}, e.g. {@code SHA512:ddaf…}. */
  @Override
  public String toString() {
    return algorithm.distinfoName() + ":" + hex();
  }
}
