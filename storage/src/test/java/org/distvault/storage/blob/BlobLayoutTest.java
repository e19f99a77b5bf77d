package org.distvault.storage.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobLayoutTest {
  /** SHA-512 of "abc" (FIPS 180-2 test vector). */
  private static final String ABC =
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

  private final BlobLayout layout = BlobLayout.of(Path.of("/data"));

  @Test
  void pathIsTwoBucketLevelsOfTheFirstFourHexDigits() {
    Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, ABC);
    assertEquals(Path.of("/data/blobs/sha512/dd/af/" + ABC), layout.path(sha512));
    assertEquals(Path.of("/data/blobs/sha512"), layout.root());
  }

  @Test
  void upperCaseHexInputGivesTheLowerCasePath() {
    Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, ABC.toUpperCase());
    assertEquals(Path.of("/data/blobs/sha512/dd/af/" + ABC), layout.path(sha512));
  }

  @Test
  void pathOfANonSha512DigestIsRejected() {
    Digest sha256 = Digest.of(DigestAlgorithm.SHA256, new byte[32]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> layout.path(sha256));
    assertEquals("a blob is named by its SHA-512, not by SHA256:" + "00".repeat(32), e.getMessage());
  }

  @Test
  void digestAtInvertsPath() {
    Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, ABC);
    assertEquals(Optional.of(sha512), layout.digestAt(layout.path(sha512)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/data/blobs/sha512/dd/ae/" + ABC, // wrong second bucket
        "/data/blobs/sha512/de/af/" + ABC, // wrong first bucket
        "/data/blobs/sha512/dd/" + ABC, // one level missing
        "/data/blobs/sha512/dd/af/00/" + ABC, // one level too many
        "/data/blobs/sha256/dd/af/" + ABC, // other root
        "/data/blobs/sha512/DD/AF/DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A"
            + "2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F", // upper case
        "/data/blobs/sha512/dd/af/" + "ddaf", // too short
        "/data/blobs/sha512/dd/af/" + ABC + "0", // too long
        "/data/blobs/sha512/dd/af/ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49g", // non-hex
        "/data/blobs/sha512/dd/af/" + ABC + ".part", // suffix
      })
  void digestAtRejectsAnythingButTheExactLayout(String path) {
    assertEquals(Optional.empty(), layout.digestAt(Path.of(path)));
  }
}
