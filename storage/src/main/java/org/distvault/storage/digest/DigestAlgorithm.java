package org.distvault.storage.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;

/**
 * A digest algorithm known to distvault, with its distinfo spelling and its URL spelling.
 *
 * <p>Instances are stateless; {@link #newHasher()} creates the single-use state.
 */
public enum DigestAlgorithm {
  SHA512("SHA512", "sha512", 64),
  SHA256("SHA256", "sha256", 32),
  BLAKE2S("BLAKE2s", "blake2s", 32),
  SHA1("SHA1", "sha1", 20),
  RMD160("RMD160", "rmd160", 20);

  private final String distinfoName;
  private final String urlName;
  private final int length;

  DigestAlgorithm(String distinfoName, String urlName, int length) {
    this.distinfoName = distinfoName;
    this.urlName = urlName;
    this.length = length;
  }

  /** The name as written in distinfo files, e.g. {@code BLAKE2s}. */
  public String distinfoName() {
    return distinfoName;
  }

  /** The lower-case name used in URLs and JSON, e.g. {@code blake2s}. */
  public String urlName() {
    return urlName;
  }

  /** Length of the digest in bytes. */
  public int length() {
    return length;
  }

  /** Length of the digest in hex digits. */
  public int hexLength() {
    return length * 2;
  }

  /**
   * Finds an algorithm by its distinfo or URL name, ignoring case (pkgsrc's checksum.awk and
   * digest(1) compare case-insensitively).
   */
  public static Optional<DigestAlgorithm> byName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (DigestAlgorithm a : values()) {
      if (a.urlName.equals(lower)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Creates a fresh, single-use hasher for this algorithm. */
  Hasher newHasher() {
    return switch (this) {
      case SHA512 -> jdk("SHA-512");
      case SHA256 -> jdk("SHA-256");
      case SHA1 -> jdk("SHA-1");
      case BLAKE2S -> new Blake2sHasher();
      case RMD160 -> new BouncyHasher(new RIPEMD160Digest());
    };
  }

  private static Hasher jdk(String jcaName) {
    try {
      return new JdkHasher(MessageDigest.getInstance(jcaName));
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE implementation must provide SHA-1, SHA-256 and SHA-512.
      throw new IllegalStateException("JDK lacks " + jcaName, e);
    }
  }
}
