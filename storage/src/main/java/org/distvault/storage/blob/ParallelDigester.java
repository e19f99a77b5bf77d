package org.distvault.storage.blob;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;

/**
 * A {@link ChunkDigester} that runs one worker per algorithm, so that the digests of a chunk are
 * computed side by side while the caller fills the next buffer.
 *
 * <p>A fixed ring of buffers circulates: the caller takes a free one, fills it and hands it to
 * every worker; the last worker done with it puts it back on the free list. With a few buffers the
 * slowest algorithm sets the pace and the others wait on their queues. A worker whose hasher fails
 * keeps releasing buffers (so the caller never waits forever) and reports the failure at {@link
 * #finish()}.
 */
final class ParallelDigester implements ChunkDigester {
  /** How long to wait for a free buffer before checking that the workers are still alive. */
  private static final long POLL_MILLIS = 200;

  /** A filled buffer shared by every worker; the last to finish with it frees it. */
  private record Chunk(byte[] buf, int len, AtomicInteger pending) {}

  private static final Chunk END = new Chunk(new byte[0], 0, new AtomicInteger());

  private final BlockingQueue<byte[]> free;
  private final List<BlockingQueue<Chunk>> queues = new ArrayList<>();
  private final List<CompletableFuture<Digests>> results = new ArrayList<>();
  private boolean ended;

  ParallelDigester(
      Set<DigestAlgorithm> algorithms, Executor executor, int buffers, int chunkSize) {
    free = new ArrayBlockingQueue<>(buffers);
    for (int i = 0; i < buffers; i++) {
      free.add(new byte[chunkSize]);
    }
    for (DigestAlgorithm algorithm : algorithms) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      queues.add(queue);
      results.add(CompletableFuture.supplyAsync(() -> work(algorithm, queue), executor));
    }
  }

  @Override
  public byte[] buffer() throws IOException {
    try {
      for (; ; ) {
        byte[] buf = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (buf != null) {
          return buf;
        }
        // Workers only stop at END; one that is done now has died and will free nothing more.
        for (CompletableFuture<Digests> r : results) {
          if (r.isDone()) {
            abort();
            throw new IOException("a digest worker stopped early", failureOf(r));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort();
      throw new InterruptedIOException("interrupted while waiting for the digest workers");
    }
  }

  @Override
  public void hash(byte[] buf, int len) {
    if (ended) {
      throw new IllegalStateException("ParallelDigester used after finish() or abort()");
    }
    Chunk chunk = new Chunk(buf, len, new AtomicInteger(queues.size()));
    for (BlockingQueue<Chunk> q : queues) {
      q.add(chunk);
    }
  }

  @Override
  public Digests finish() throws IOException {
    if (ended) {
      throw new IllegalStateException("ParallelDigester used after finish() or abort()");
    }
    end();
    Digests all = Digests.empty();
    try {
      for (CompletableFuture<Digests> r : results) {
        all = all.merge(r.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the digest workers");
    } catch (ExecutionException e) {
      throw new IOException("digest worker failed", e.getCause());
    }
    return all;
  }

  @Override
  public void abort() {
    if (!ended) {
      end();
    }
  }

  private void end() {
    ended = true;
    for (BlockingQueue<Chunk> q : queues) {
      q.add(END);
    }
  }

  /** The worker loop: hash every chunk of one algorithm until END, always freeing buffers. */
  private Digests work(DigestAlgorithm algorithm, BlockingQueue<Chunk> queue) {
    MultiDigester digester = MultiDigester.of(algorithm);
    RuntimeException failure = null;
    for (; ; ) {
      Chunk c;
      try {
        c = queue.take();
      } catch (InterruptedException e) {
        // Only an executor shutdown interrupts us; the caller sees this future done and gives up.
        Thread.currentThread().interrupt();
        throw new IllegalStateException(algorithm.distinfoName() + " worker interrupted", e);
      }
      if (c == END) {
        break;
      }
      try {
        if (failure == null) {
          digester.update(c.buf(), 0, c.len());
        }
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        if (c.pending().decrementAndGet() == 0) {
          free.add(c.buf());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return digester.finish();
  }

  private static Throwable failureOf(CompletableFuture<Digests> r) {
    try {
      r.getNow(null);
      return new IllegalStateException("worker ended without END");
    } catch (RuntimeException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }
}
