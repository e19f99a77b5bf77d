package org.distvault.storage.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Parsing and comparing {@link Digest} values. */
class DigestTest {
  private static final String SHA1_ABC = "a9993e364706816aba3e25717850c26c9cd0d89d";

  @Test
  void fromHexWithWrongLengthNamesAlgorithmAndLengths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Digest.fromHex(DigestAlgorithm.SHA1, SHA1_ABC + "00"));

    assertEquals("SHA1 digest must be 40 hex digits, got 42", e.getMessage());
  }

  @Test
  void fromHexOfEmptyStringIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Digest.fromHex(DigestAlgorithm.BLAKE2S, ""));

    assertEquals("BLAKE2s digest must be 64 hex digits, got 0", e.getMessage());
  }

  @Test
  void fromHexWithNonHexCharacterNamesItsPosition() {
    String bad = SHA1_ABC.substring(0, 7) + "g" + SHA1_ABC.substring(8);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(DigestAlgorithm.SHA1, bad));

    assertEquals("SHA1 digest has a non-hex character at position 7", e.getMessage());
  }

  @Test
  void fromHexRejectsSignsAndSpaces() {
    String plus = "+" + SHA1_ABC.substring(1);
    String space = SHA1_ABC.substring(0, 39) + " ";

    assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(DigestAlgorithm.SHA1, plus));
    assertThrows(IllegalArgumentException.class, () -> Digest.fromHex(DigestAlgorithm.SHA1, space));
  }

  @Test
  void fromHexNormalisesUpperCase() {
    Digest d = Digest.fromHex(DigestAlgorithm.SHA1, SHA1_ABC.toUpperCase(java.util.Locale.ROOT));

    assertEquals(SHA1_ABC, d.hex());
    assertEquals(Digest.fromHex(DigestAlgorithm.SHA1, SHA1_ABC), d);
    assertEquals("SHA1:" + SHA1_ABC, d.toString());
  }

  @Test
  void ofRejectsWrongLengthAndCopiesItsInput() {
    byte[] bytes = new byte[20];
    Digest d = Digest.of(DigestAlgorithm.RMD160, bytes);
    bytes[0] = 1;
    d.bytes()[1] = 1;

    assertArrayEquals(new byte[20], d.bytes());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Digest.of(DigestAlgorithm.SHA512, new byte[32]));
    assertEquals("SHA512 digest must be 64 bytes, got 32", e.getMessage());
  }

  @Test
  void sameBytesUnderDifferentAlgorithmsAreNotEqual() {
    // SHA1 and RMD160 both have 20 bytes: the algorithm is part of the value.
    Digest sha1 = Digest.fromHex(DigestAlgorithm.SHA1, SHA1_ABC);
    Digest rmd = Digest.fromHex(DigestAlgorithm.RMD160, SHA1_ABC);

    assertNotEquals(sha1, rmd);
  }
}
