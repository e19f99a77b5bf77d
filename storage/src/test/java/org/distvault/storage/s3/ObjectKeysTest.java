package org.distvault.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys of blobs in a bucket, alone. */
class ObjectKeysTest {
  private static final Digest D = TestBlobs.sha512("abc".getBytes(UTF_8));
  private static final String HEX = D.hex(); // ddaf35a1…

  @ParameterizedTest
  @CsvSource({
    "'', blobs/sha512/dd/af/",
    "distvault, distvault/blobs/sha512/dd/af/",
    "a/b, a/b/blobs/sha512/dd/af/",
  })
  void keyIsTheLocalLayoutUnderThePrefix(String prefix, String expectedDir) {
    ObjectKeys keys = new ObjectKeys(prefix);
    assertEquals(expectedDir + HEX, keys.key(D));
    assertEquals(Optional.of(D), keys.digestAt(keys.key(D)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "p/blobs/sha512/dd/ae/" + "HEX",
    "p/blobs/sha512/ddaf/" + "HEX",
    "q/blobs/sha512/dd/af/" + "HEX",
    "p/blobs/sha512/dd/af/" + "UPPER",
    "p/blobs/sha512/dd/af/" + "SHORT",
    "p/blobs/sha512/dd/af/" + "HEX" + ".part",
    "p/quarantine/" + "HEX",
  })
  void keysNotExactlyWhereABlobGoesNameNoBlob(String pattern) {
    String key = pattern.replace("HEX", HEX).replace("UPPER", HEX.toUpperCase())
        .replace("SHORT", HEX.substring(1));
    assertEquals(Optional.empty(), new ObjectKeys("p").digestAt(key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/p", "p/", "/"})
  void prefixWithSlashesAroundIsRefused(String prefix) {
    assertThrows(IllegalArgumentException.class, () -> new ObjectKeys(prefix));
  }
}
