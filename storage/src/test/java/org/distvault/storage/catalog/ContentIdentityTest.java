package org.distvault.storage.catalog;

import org.distvault.storage.distfile.ContentIdentity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.distvault.storage.digest.Digests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The content-identity rule, each way round. */
class ContentIdentityTest {
  private static final String SHA1_A = "a".repeat(40);
  private static final String SHA1_B = "b".repeat(40);
  private static final String RMD_A = "c".repeat(40);
  private static final String B2_A = "d".repeat(64);
  private static final String SHA512_A = "e".repeat(128);

  static Stream<Arguments> cases() {
    Digests sha1A = Digests.fromHex(Map.of("SHA1", SHA1_A));
    Digests sha1B = Digests.fromHex(Map.of("SHA1", SHA1_B));
    Digests oldPair = Digests.fromHex(Map.of("SHA1", SHA1_A, "RMD160", RMD_A));
    Digests newPair = Digests.fromHex(Map.of("BLAKE2s", B2_A, "SHA512", SHA512_A));
    Digests sha1AndBlake2s = Digests.fromHex(Map.of("SHA1", SHA1_A, "BLAKE2s", B2_A));
    Digests none = Digests.empty();
    OptionalLong unknown = OptionalLong.empty();
    return Stream.of(
        Arguments.of("same size, same digest", OptionalLong.of(10), sha1A, OptionalLong.of(10), sha1A, true),
        Arguments.of("sizes conflict", OptionalLong.of(10), sha1A, OptionalLong.of(11), sha1A, false),
        Arguments.of("one size unknown", unknown, sha1A, OptionalLong.of(11), sha1A, true),
        Arguments.of("a shared algorithm differs", unknown, sha1A, unknown, sha1B, false),
        Arguments.of("one shared algorithm is enough", unknown, oldPair, unknown, sha1AndBlake2s, true),
        Arguments.of("old and new distinfo share no algorithm", OptionalLong.of(10), oldPair,
            OptionalLong.of(10), newPair, false),
        Arguments.of("neither lists a digest", OptionalLong.of(10), none, OptionalLong.of(10), none, true),
        Arguments.of("only one lists digests", unknown, none, unknown, sha1A, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesTheSameEachWayRound(String what, OptionalLong size1, Digests digests1,
      OptionalLong size2, Digests digests2, boolean same) {
    assertEquals(same, ContentIdentity.same(size1, digests1, size2, digests2), what);
    assertEquals(same, ContentIdentity.same(size2, digests2, size1, digests1), what + ", reversed");
  }
}
