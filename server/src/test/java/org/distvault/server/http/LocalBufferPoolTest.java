package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.connector.PooledByteBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LocalBufferPoolTest {
  @Test
  void aBufferGivenBackIsLentAgainClearedOnTheSameThread() {
    LocalBufferPool pool = new LocalBufferPool(true, 100, 4, 2);
    PooledByteBuffer first = pool.allocate();
    ByteBuffer b = first.getBuffer();
    assertTrue(b.isDirect());
    assertEquals(100, b.capacity());
    b.put((byte) 1).limit(10);
    first.close();
    PooledByteBuffer again = pool.allocate();
    assertSame(b, again.getBuffer());
    assertEquals(0, again.getBuffer().position());
    assertEquals(100, again.getBuffer().limit());
  }

  @Test
  void aSecondCloseDoesNotGiveTheBufferBackTwice() {
    LocalBufferPool pool = new LocalBufferPool(false, 64, 4, 2);
    PooledByteBuffer p = pool.allocate();
    p.close();
    p.close();
    assertFalse(p.isOpen());
    assertThrows(IllegalStateException.class, p::getBuffer);
    PooledByteBuffer a = pool.allocate();
    PooledByteBuffer b = pool.allocate();
    assertNotSame(a.getBuffer(), b.getBuffer(), "one buffer is never lent twice at once");
  }

  @Test
  void beyondTheThreadsShareBuffersGoToTheQueueThenAreDropped() {
    LocalBufferPool pool = new LocalBufferPool(false, 64, 3, 2);
    List<PooledByteBuffer> lent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      lent.add(pool.allocate());
    }
    Set<ByteBuffer> distinct = Collections.newSetFromMap(new IdentityHashMap<>()); // equals compares contents
    lent.forEach(p -> distinct.add(p.getBuffer()));
    assertEquals(8, distinct.size());
    lent.forEach(PooledByteBuffer::close);
    assertEquals(3, pool.sharedNow(), "2 kept by this thread, 3 shared, 3 dropped");
  }

  @Test
  void aBufferGivenBackOnAnotherThreadIsLentThere() throws InterruptedException {
    LocalBufferPool pool = new LocalBufferPool(true, 64, 4, 1);
    PooledByteBuffer p = pool.allocate();
    ByteBuffer b = p.getBuffer();
    AtomicReference<ByteBuffer> there = new AtomicReference<>();
    Thread other = new Thread(() -> {
      p.close();
      there.set(pool.allocate().getBuffer());
    });
    other.start();
    other.join(10_000);
    assertSame(b, there.get());
    assertNotSame(b, pool.allocate().getBuffer(), "not in this thread's cache");
  }

  @Test
  void aClosedPoolKeepsNothing() {
    LocalBufferPool pool = new LocalBufferPool(false, 64, 4, 0);
    PooledByteBuffer p = pool.allocate();
    pool.close();
    p.close();
    assertEquals(0, pool.sharedNow());
    assertFalse(pool.getArrayBackedPool().isDirect());
    assertThrows(IllegalArgumentException.class, () -> new LocalBufferPool(true, 0, 1, 1));
  }
}
