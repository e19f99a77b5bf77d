package org.distvault.prefetch.client;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body streamed from a file in {@link #CHUNK}-byte reads, only as fast as the client
 * asks for them, so at most a few chunks of it are ever in memory.
 *
 * <p>Why not {@code BodyPublishers.ofFile}: it reads 16 KiB at a time ({@code jdk.httpclient.bufsize})
 * and each of those buffers makes its own trip through the client's publisher and writer chain,
 * which runs on the client's one selector thread (with {@link AdminApi}'s inline executor, all of
 * it). With several uploads of megabytes at once that thread is the bottleneck: a profile of a
 * prefetch of 4 x 128 MiB and 200 files of up to 4 MiB showed it in nearly half of the client's CPU
 * samples, reading, allocating and scheduling 16 KiB buffers (ops/bench/README.md, 2026-12-06).
 * Reads of {@value #CHUNK} bytes make that per-buffer work 16 times rarer.
 */
final class FileBody {
  static final int CHUNK = 256 * 1024;

  private FileBody() {}

  /** The first {@code size} bytes of {@code file}; a shorter file fails the request. */
  static HttpRequest.BodyPublisher of(Path file, long size) {
    if (size == 0) {
      return HttpRequest.BodyPublishers.noBody(); // fromPublisher takes no length 0
    }
    return HttpRequest.BodyPublishers.fromPublisher(subscriber -> {
      Reading r = new Reading(file, size, subscriber);
      subscriber.onSubscribe(r);
    }, size);
  }

  /** One subscription: each subscriber (the client resubscribes on a retry) reads the file anew. */
  private static final class Reading implements Flow.Subscription {
    private final Path file;
    private final long size;
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    /** Non-zero while a thread is in {@link #drain}; counts the requests it has still to see. */
    private final AtomicLong wip = new AtomicLong();
    private FileChannel channel;
    private long sent;
    private volatile boolean done;
    private volatile IllegalArgumentException badRequest;

    Reading(Path file, long size, Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.file = file;
      this.size = size;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        badRequest = new IllegalArgumentException("non-positive request: " + n);
      } else {
        demand.getAndAccumulate(n, (d, m) -> d + m < 0 ? Long.MAX_VALUE : d + m);
      }
      drain();
    }

    @Override
    public void cancel() {
      done = true;
      drain();
    }

    /** Delivers what is asked for, one thread at a time: the others leave their work to it. */
    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      long missed = 1;
      do {
        try {
          if (badRequest != null) {
            fail(badRequest);
          }
          while (!done && demand.get() > 0) {
            if (sent == size) {
              done = true;
              close();
              subscriber.onComplete();
              break;
            }
            if (channel == null) {
              channel = FileChannel.open(file, StandardOpenOption.READ);
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, size - sent));
            while (chunk.hasRemaining()) {
              if (channel.read(chunk) < 0) {
                throw new IOException(file + " ended after " + (sent + chunk.position()) + " of " + size + " bytes");
              }
            }
            sent += chunk.flip().remaining();
            demand.decrementAndGet();
            subscriber.onNext(chunk);
          }
        } catch (IOException e) {
          fail(e);
        }
        if (done) {
          close();
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void fail(Exception e) {
      if (!done) {
        done = true;
        close();
        subscriber.onError(e);
      }
    }

    private void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Only read from: nothing is lost.
        }
        channel = null;
      }
    }
  }
}
