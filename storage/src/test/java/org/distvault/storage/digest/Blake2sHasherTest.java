package org.distvault.storage.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Our BLAKE2s-256 against published answers and against Bouncy Castle's implementation. */
class Blake2sHasherTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void abcGivesRfc7693AppendixBDigest() {
    Blake2sHasher h = new Blake2sHasher();
    h.update("abc".getBytes(US_ASCII), 0, 3);

    assertEquals(
        "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", HEX.formatHex(h.finish()));
  }

  /**
   * The unkeyed BLAKE2s entries of the reference blake2-kat.json (github.com/BLAKE2/BLAKE2,
   * testvectors/): the digest of the bytes 0, 1, ..., n-1. Values checked with {@code openssl
   * dgst -blake2s256} and Python's {@code hashlib.blake2s}.
   */
  @ParameterizedTest(name = "bytes 0..{0}-1")
  @CsvSource({
    "0, 69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9",
    "1, e34d74dbaf4ff4c6abd871cc220451d2ea2648846c7757fbaac82fe51ad64bea",
    "2, ddad9ab15dac4549ba42f49d262496bef6c0bae1dd342a8808f8ea267c6e210c",
    "3, e8f91c6ef232a041452ab0e149070cdd7dd1769e75b3a5921be37876c45c9900",
    "63, e57cb79487dd57902432b250733813bd96a84efce59f650fac26e6696aefafc3",
    "64, 56f34e8b96557e90c1f24b52d0c89d51086acf1b00f634cf1dde9233b8eaaa3e",
    "65, 1b53ee94aaf34e4b159d48de352c7f0661d0a40edff95a0b1639b4090e974472",
    "127, f18417b39d617ab1c18fdf91ebd0fc6d5516bb34cf39364037bce81fa04cecb1",
    "128, 1fa877de67259d19863a2a34bcc6962a2b25fcbf5cbecd7ede8f1fa36688a796",
    "129, 5bd169e67c82c2c2e98ef7008bdf261f2ddf30b1c00f9e7f275bb3e8a28dc9a2",
    "255, f03f5789d3336b80d002d59fdf918bdb775b00956ed5528e86aa994acb38fe2d",
  })
  void sequentialBytesGiveReferenceKat(int n, String hex) {
    byte[] data = new byte[n];
    for (int i = 0; i < n; i++) {
      data[i] = (byte) i;
    }
    Blake2sHasher whole = new Blake2sHasher();
    whole.update(data, 0, n);
    Blake2sHasher bytewise = new Blake2sHasher();
    for (int i = 0; i < n; i++) {
      bytewise.update(data, i, 1);
    }

    assertEquals(hex, HEX.formatHex(whole.finish()));
    assertEquals(hex, HEX.formatHex(bytewise.finish()));
  }

  @Test
  void everyLengthUpTo1024MatchesBouncyCastleWhateverTheChunking() {
    Random random = new Random(0x5eed_b2L);
    for (int len = 0; len <= 1024; len++) {
      byte[] data = new byte[len];
      random.nextBytes(data);
      byte[] expected = bouncyCastle(data);

      Blake2sHasher oneShot = new Blake2sHasher();
      oneShot.update(data, 0, len);
      assertArrayEquals(expected, oneShot.finish(), "one update, length " + len);

      for (int trial = 0; trial < 4; trial++) {
        long chunkSeed = random.nextLong();
        assertArrayEquals(
            expected,
            chunked(data, new Random(chunkSeed), 150),
            "length " + len + ", chunk seed " + chunkSeed);
      }
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1 << 20, (16 << 20) + 7})
  void largeInputsMatchBouncyCastle(int len) {
    Random random = new Random(len);
    byte[] data = new byte[len];
    random.nextBytes(data);
    byte[] expected = bouncyCastle(data);

    Blake2sHasher oneShot = new Blake2sHasher();
    oneShot.update(data, 0, len);
    assertArrayEquals(expected, oneShot.finish(), "one update");
    assertArrayEquals(expected, chunked(data, random, 200_000), "random chunks");
  }

  @Test
  void updateWithBadBoundsThrowsAndChangesNothing() {
    byte[] data = "abc".getBytes(US_ASCII);
    Blake2sHasher h = new Blake2sHasher();
    h.update(data, 0, 1);

    assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 1, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, -1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> h.update(data, 0, -1));
    h.update(data, 1, 2);

    assertEquals(
        "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", HEX.formatHex(h.finish()));
  }

  /**
   * Hashes {@code data} in random-sized updates from 0 to {@code maxChunk} bytes, with many 0-
   * and 1-byte updates mixed in so that every buffer fill level meets every block boundary.
   */
  private static byte[] chunked(byte[] data, Random random, int maxChunk) {
    Blake2sHasher h = new Blake2sHasher();
    int off = 0;
    while (off < data.length) {
      int n =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 1;
            default -> random.nextInt(maxChunk + 1);
          };
      n = Math.min(n, data.length - off);
      h.update(data, off, n);
      off += n;
    }
    h.update(data, data.length, 0);
    return h.finish();
  }

  private static byte[] bouncyCastle(byte[] data) {
    Blake2sDigest bc = new Blake2sDigest(256);
    bc.update(data, 0, data.length);
    byte[] out = new byte[32];
    bc.doFinal(out, 0);
    return out;
  }
}
