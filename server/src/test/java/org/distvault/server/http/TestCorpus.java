package org.distvault.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A directory of real distfiles with awkward but real-world names, all stored at {@link #STORED_AT}. */
final class TestCorpus {
  static final Instant STORED_AT = Instant.parse("2024-01-02T03:04:05.678Z");
  /** {@link #STORED_AT} as an IMF-fixdate (seconds only). */
  static final String STORED_AT_HTTP = "Tue, 02 Jan 2024 03:04:05 GMT";

  static final String PLAIN = "plain-1.0.tar.gz";
  static final String MYSQL = "mysql%2B%2B-3.3.0.tar.gz";
  static final String SUBDIR = "sub/dir/file.tar.gz";
  static final String EMPTY = "empty-1.0.tar.gz";

  private final Path root;
  private final Map<String, byte[]> contents = new LinkedHashMap<>();

  private TestCorpus(Path root) {
    this.root = root;
  }

  /** Writes the corpus under {@code root}. */
  static TestCorpus create(Path root) throws IOException {
    TestCorpus corpus = new TestCorpus(root);
    corpus.add(PLAIN, random(1, 300_000));
    corpus.add(MYSQL, random(2, 5_000));
    corpus.add(SUBDIR, random(3, 70_000));
    corpus.add(EMPTY, new byte[0]);
    // Raw-first lookup: both the literal and the decoded name exist, with different content.
    corpus.add("a%2Bb.tgz", "literal a%2Bb\n".getBytes());
    corpus.add("a+b.tgz", "decoded a+b\n".getBytes());
    // Only the decoded name exists.
    corpus.add("c+d.tgz", "decoded c+d\n".getBytes());
    corpus.add("semi;colon-1.0.tgz", random(4, 1_000));
    corpus.add("espa~nol-1.7.tar.gz", random(5, 1_500));
    corpus.add("cracklib,2.7.tar.gz", random(6, 1_200));
    corpus.add("git.sr.ht_~sbinet_gg_@v_v0.3.1.zip", random(7, 900));
    corpus.add("wipeout-ttf-20211024/2197%20Block.ttf", random(8, 2_000));
    return corpus;
  }

  private void add(String name, byte[] bytes) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    Files.setLastModifiedTime(file, FileTime.from(STORED_AT));
    contents.put(name, bytes);
  }

  static byte[] random(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  Path root() {
    return root;
  }

  byte[] bytes(String name) {
    byte[] bytes = contents.get(name);
    if (bytes == null) {
      throw new IllegalArgumentException("not in the corpus: " + name);
    }
    return bytes.clone();
  }

  /**
   * The ETag the server must send for a corpus file: the first 16 bytes of its SHA-512 in
   * unpadded base64url, quoted.
   */
  String etag(String name) {
    byte[] sha512 = digest("SHA-512", bytes(name));
    return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha512, 16)) + "\"";
  }

  /** The ETag earlier versions sent, the quoted SHA-512 hex: still accepted from clients. */
  String legacyEtag(String name) {
    return "\"" + hex("SHA-512", bytes(name)) + "\"";
  }

  static String hex(String jcaAlgorithm, byte[] bytes) {
    return HexFormat.of().formatHex(digest(jcaAlgorithm, bytes));
  }

  private static byte[] digest(String jcaAlgorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(jcaAlgorithm).digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
