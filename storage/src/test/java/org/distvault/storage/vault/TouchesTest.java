package org.distvault.storage.vault;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;

/** Touches are bounded, but never forget one a running collection needs. */
class TouchesTest {
  private static Digest d(int i) {
    return Digest.of(DigestAlgorithm.SHA512, ByteBuffer.allocate(64).putInt(i).array());
  }

  @Test
  void touchesAfterTheStartOfACollectionAreKeptAndOldOnesForgotten() {
    Touches t = new Touches();
    t.touch(d(0));
    long start = t.begin();
    for (int i = 1; i <= Touches.MAX + 10; i++) {
      t.touch(d(i));
    }
    for (int i = 1; i <= Touches.MAX + 10; i += 997) {
      assertTrue(t.since(d(i), start), "touched during the collection: " + i);
    }
    assertFalse(t.since(d(0), start), "touched before it started");
    t.end();
    for (int i = 0; i < Touches.MAX; i++) {
      t.touch(d(1_000_000 + i));
    }
    assertFalse(t.since(d(1), start), "forgotten once no collection needs it");
    assertTrue(t.since(d(1_000_000 + Touches.MAX - 1), start));
  }
}
