package org.distvault.server.http;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A pool of equal byte buffers for Undertow's connections (request reads, response heads) with a
 * per-thread cache in a {@link ThreadLocal}: taking and giving back a buffer on the thread that
 * holds it touches no shared state.
 *
 * <p>Undertow's {@link DefaultByteBufferPool} finds its per-thread cache in a synchronized
 * {@code WeakHashMap} keyed by thread, on every allocation and every release, so the I/O threads
 * contend on one lock a few times per request. Here each thread keeps up to {@code perThread}
 * buffers; beyond that they go to a shared queue of at most {@code shared}, and beyond that to the
 * garbage collector (a direct buffer's memory is freed with it). A buffer is given back once: a
 * second {@link PooledByteBuffer#close} does nothing, and {@link PooledByteBuffer#getBuffer} after
 * the close throws, as in Undertow's pool. After {@link #close} buffers given back are dropped.
 * Thread-safe.
 */
final class LocalBufferPool implements ByteBufferPool {
  private final int size;
  private final boolean direct;
  private final int perThread;
  private final int shared;
  private final ThreadLocal<ArrayDeque<ByteBuffer>> local = ThreadLocal.withInitial(ArrayDeque::new);
  private final ConcurrentLinkedQueue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** For callers that need heap buffers (Undertow asks for them, e.g. for some TLS work). */
  private final DefaultByteBufferPool arrayBacked;
  private volatile boolean closed;

  /**
   * @param direct whether the buffers are direct
   * @param size bytes of each buffer
   * @param shared buffers kept in the shared queue at most
   * @param perThread buffers kept by each thread at most
   */
  LocalBufferPool(boolean direct, int size, int shared, int perThread) {
    if (size < 1 || shared < 0 || perThread < 0) {
      throw new IllegalArgumentException("buffer size " + size + ", shared " + shared + ", per thread " + perThread);
    }
    this.direct = direct;
    this.size = size;
    this.shared = shared;
    this.perThread = perThread;
    this.arrayBacked = new DefaultByteBufferPool(false, size, shared, perThread);
  }

  @Override
  public PooledByteBuffer allocate() {
    ByteBuffer b = local.get().pollFirst();
    if (b == null) {
      b = queue.poll();
      if (b != null) {
        queued.decrementAndGet();
      }
    }
    if (b == null) {
      b = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
    return new Pooled(b.clear());
  }

  /** Takes a buffer back: into this thread's cache, else the shared queue, else drops it. */
  private void release(ByteBuffer b) {
    if (closed) {
      return;
    }
    ArrayDeque<ByteBuffer> mine = local.get();
    if (mine.size() < perThread) {
      mine.addFirst(b);
      return;
    }
    if (queued.incrementAndGet() <= shared) {
      queue.offer(b);
    } else {
      queued.decrementAndGet();
    }
  }

  @Override
  public ByteBufferPool getArrayBackedPool() {
    return direct ? arrayBacked : this;
  }

  @Override
  public void close() {
    closed = true;
    queue.clear();
    queued.set(0);
    arrayBacked.close();
  }

  @Override
  public int getBufferSize() {
    return size;
  }

  @Override
  public boolean isDirect() {
    return direct;
  }

  /** Buffers kept in the shared queue now (not counting the threads' own). */
  int sharedNow() {
    return queued.get();
  }

  /** One buffer lent out; given back by its first {@link #close}. */
  private final class Pooled implements PooledByteBuffer {
    private static final AtomicIntegerFieldUpdater<Pooled> OPEN = AtomicIntegerFieldUpdater.newUpdater(Pooled.class, "open");

    private final ByteBuffer buffer;
    private volatile int open = 1;

    Pooled(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public ByteBuffer getBuffer() {
      if (open == 0) {
        throw new IllegalStateException("buffer already given back to the pool");
      }
      return buffer;
    }

    @Override
    public void close() {
      if (OPEN.compareAndSet(this, 1, 0)) {
        release(buffer);
      }
    }

    @Override
    public boolean isOpen() {
      return open != 0;
    }

    @Override
    public String toString() {
      return "pooled buffer of " + size + " bytes" + (open == 0 ? " (given back)" : "");
    }
  }
}
