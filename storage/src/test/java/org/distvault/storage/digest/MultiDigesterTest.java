package org.distvault.storage.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Life cycle and misuse of {@link MultiDigester}; digest values are in {@link KnownAnswerTest}. */
class MultiDigesterTest {
  private static final byte[] ABC = "abc".getBytes(US_ASCII);
  private static final String SHA1_ABC = "a9993e364706816aba3e25717850c26c9cd0d89d";
  private static final String RMD160_ABC = "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc";

  @Test
  void updateAfterFinishThrows() {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA512);
    d.update(ABC, 0, 3);
    d.finish();

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> d.update(ABC, 0, 3));
    assertEquals("MultiDigester used after finish()", e.getMessage());
    assertThrows(IllegalStateException.class, () -> d.update(ByteBuffer.wrap(ABC)));
  }

  @Test
  void finishTwiceThrows() {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.BLAKE2S);
    d.finish();

    assertThrows(IllegalStateException.class, d::finish);
  }

  @Test
  void bufferUpdateAfterFinishLeavesTheBufferUnread() {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA1);
    d.finish();
    ByteBuffer heap = ByteBuffer.wrap(ABC);
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put(ABC).flip();

    assertThrows(IllegalStateException.class, () -> d.update(heap));
    assertThrows(IllegalStateException.class, () -> d.update(direct));
    assertEquals(0, heap.position());
    assertEquals(0, direct.position());
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void updateWithBadBoundsThrowsAndHashesNothing(DigestAlgorithm alg) {
    MultiDigester d = MultiDigester.of(alg);
    MultiDigester reference = MultiDigester.of(alg);
    byte[] data = new byte[100];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    d.update(data, 0, 3);

    // Offset inside the array but running past its end: nothing may be hashed.
    assertThrows(IndexOutOfBoundsException.class, () -> d.update(data, 98, 10));
    assertThrows(IndexOutOfBoundsException.class, () -> d.update(data, -1, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> d.update(data, 0, -1));
    d.update(data, 3, 97);
    reference.update(data, 0, 100);

    assertEquals(100, d.byteCount());
    assertEquals(reference.finish(), d.finish());
  }

  @Test
  void heapAndDirectBuffersAreConsumedAndHashed() {
    MultiDigester d = MultiDigester.of(DigestAlgorithm.SHA1, DigestAlgorithm.RMD160);
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {'x', 'a', 'b', 'y'}, 1, 2).slice();
    ByteBuffer direct = ByteBuffer.allocateDirect(1).put((byte) 'c').flip();

    d.update(heap);
    d.update(direct);

    assertEquals(0, heap.remaining());
    assertEquals(0, direct.remaining());
    assertEquals(3, d.byteCount());
    Digests got = d.finish();
    assertEquals(SHA1_ABC, got.get(DigestAlgorithm.SHA1).orElseThrow().hex());
    assertEquals(RMD160_ABC, got.get(DigestAlgorithm.RMD160).orElseThrow().hex());
  }

  @Test
  void computesExactlyTheAlgorithmsAskedFor() {
    MultiDigester d = MultiDigester.of(EnumSet.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512));
    d.update(ABC, 0, 3);

    assertEquals(EnumSet.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512), d.algorithms());
    assertEquals(
        EnumSet.of(DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512), d.finish().algorithms());
  }

  @Test
  void emptySetCountsBytesOnly() {
    MultiDigester d = MultiDigester.of(Set.of());
    d.update(ABC, 0, 3);
    d.update(ABC, 1, 2);

    assertEquals(5, d.byteCount());
    assertTrue(d.finish().isEmpty());
  }
}
