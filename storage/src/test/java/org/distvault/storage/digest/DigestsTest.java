package org.distvault.storage.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Building, merging and verifying {@link Digests}. */
class DigestsTest {
  private static final String SHA1_ABC = "a9993e364706816aba3e25717850c26c9cd0d89d";
  private static final String SHA1_EMPTY = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  private static final String B2_ABC =
      "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";
  private static final String B2_EMPTY =
      "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9";

  @Test
  void verifyMismatchNamesAlgorithmExpectedAndActual() {
    Digests actual = Digests.fromHex(Map.of("SHA1", SHA1_ABC, "BLAKE2s", B2_ABC));
    Digests expected = Digests.fromHex(Map.of("BLAKE2s", B2_EMPTY));

    DigestMismatchException e =
        assertThrows(DigestMismatchException.class, () -> actual.verify(expected));

    assertEquals("BLAKE2s mismatch: expected " + B2_EMPTY + ", got " + B2_ABC, e.getMessage());
    assertEquals(Digest.fromHex(DigestAlgorithm.BLAKE2S, B2_EMPTY), e.expected());
    assertEquals(Digest.fromHex(DigestAlgorithm.BLAKE2S, B2_ABC), e.actual());
  }

  @Test
  void verifyPassesWhenEveryExpectedDigestMatches() throws DigestMismatchException {
    Digests actual = Digests.fromHex(Map.of("sha1", SHA1_ABC, "blake2s", B2_ABC));

    actual.verify(Digests.fromHex(Map.of("SHA1", SHA1_ABC)));
    actual.verify(Digests.empty());
  }

  @Test
  void verifyOfAnAlgorithmNotComputedIsAnError() {
    Digests actual = Digests.fromHex(Map.of("SHA1", SHA1_ABC));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> actual.verify(Digests.fromHex(Map.of("BLAKE2s", B2_ABC))));
    assertEquals("BLAKE2s was expected but not computed", e.getMessage());
  }

  @Test
  void fromHexWithUnknownAlgorithmNamesIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Digests.fromHex(Map.of("MD5", SHA1_ABC)));

    assertEquals("unknown digest algorithm MD5", e.getMessage());
  }

  @Test
  void conflictingDigestsForOneAlgorithmAreRejected() {
    Digest a = Digest.fromHex(DigestAlgorithm.SHA1, SHA1_ABC);
    Digest b = Digest.fromHex(DigestAlgorithm.SHA1, SHA1_EMPTY);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Digests.of(List.of(a, b)));
    assertEquals("two different SHA1 digests: " + SHA1_ABC + " and " + SHA1_EMPTY, e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Digests.of(List.of(a)).merge(Digests.of(List.of(b))));
  }

  @Test
  void toHexMapUsesUrlNamesInAlgorithmOrder() {
    Digests d = Digests.fromHex(Map.of("BLAKE2s", B2_ABC, "SHA1", SHA1_ABC));

    assertEquals(List.of("blake2s", "sha1"), List.copyOf(d.toHexMap().keySet()));
    assertEquals(SHA1_ABC, d.toHexMap().get("sha1"));
  }
}
