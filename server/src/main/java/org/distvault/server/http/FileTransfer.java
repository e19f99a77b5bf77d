package org.distvault.server.http;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * One zero-copy response body: a slice of an open file pumped into the response channel with
 * {@code FileChannel.transferTo} (sendfile on Linux), driven by write readiness.
 *
 * <p>The first {@link #HEAD_BYTES} (at most) are read into a pooled direct buffer and written with
 * the response headers in one gathering write, so a small file leaves in a single send, as nginx
 * sends it corked; the rest goes out with {@code transferFrom}. The buffer goes back to the pool
 * as soon as it is written. That split is needed: while the headers are unwritten, Undertow's {@code HttpResponseConduit.transferFrom} ignores both its position and its
 * count and writes a whole pooled buffer read from the channel's current position, so a short
 * range would be followed by stray file bytes on a kept-alive connection.
 *
 * <p>The first round runs on the thread that starts it; when the socket is full the pump parks on
 * the channel's write listener and returns, so a slow client holds no worker thread. The file's
 * lease is owned by this object and closed when the exchange completes for any reason
 * (done, client gone, idle timeout, server stop); on a transfer error it is discarded, so that a
 * shared channel is not kept after a failure. The channel may be shared with other transfers
 * ({@link OpenBlobFiles}): it is only read at explicit positions.
 *
 * <p>The head buffer comes from a pool of {@link #HEAD_BYTES} direct buffers of its own, so that
 * a small file is read with one {@code pread}; Undertow's pool would need four of its 16 KiB
 * buffers and, holding at most four per thread, allocates fresh direct memory for every request
 * that needs more.
 */
final class FileTransfer implements ChannelListener<StreamSinkChannel>, ExchangeCompletionListener {
  private static final Logger log = LoggerFactory.getLogger(FileTransfer.class);

  /** The transfer of an exchange's body, if it has one: lets observers count the bytes sent. */
  static final AttachmentKey<FileTransfer> KEY = AttachmentKey.create(FileTransfer.class);

  /** Bytes written with the headers before zero-copy takes over: small files go out whole. */
  static final int HEAD_BYTES = 64 * 1024;

  /** Head buffers: two kept per thread, 64 more shared (4 MiB); beyond that allocated as needed. */
  private static final ByteBufferPool HEAD_POOL = new LocalBufferPool(true, HEAD_BYTES, 64, 2);

  private final HttpServerExchange exchange;
  /** The file's lease, or null for a body sent from memory ({@link #fromMemory}). */
  private final OpenBlobFiles.Lease lease;
  private final FileChannel file;
  private final long start;
  private final long end;
  /** The head, alone in an array for the gathering write that also carries the headers. */
  private final ByteBuffer[] head;
  /** Holds {@link #head}; returned to the pool once written, or when the exchange completes; null from memory. */
  private final PooledByteBuffer pooled;
  /** Whether {@link #head} is all written (and released); only the pumping thread uses it. */
  private boolean headSent;
  // Written by the thread pumping the transfer, read by observers when the exchange completes.
  private volatile long position;

  private FileTransfer(HttpServerExchange exchange, OpenBlobFiles.Lease lease, long start, long end,
      ByteBuffer head, PooledByteBuffer pooled) {
    this.exchange = exchange;
    this.pooled = pooled;
    this.lease = lease;
    this.file = lease == null ? null : lease.channel();
    this.start = start;
    this.position = start;
    this.end = end;
    this.head = new ByteBuffer[] {head};
  }

  /**
   * Sends bytes {@code [start, start + length)} of the leased file as the response body; takes
   * over the lease and closes it when done. Response status and headers must be set already.
   */
  static void start(HttpServerExchange exchange, OpenBlobFiles.Lease lease, long start, long length)
      throws IOException {
    // A pooled direct buffer: the file is read into it and the socket written from it with no
    // copy through the heap.
    PooledByteBuffer pooled = HEAD_POOL.allocate();
    ByteBuffer head;
    try {
      head = readHead(lease.channel(), start, (int) Math.min(length, HEAD_BYTES), pooled.getBuffer());
    } catch (IOException | RuntimeException e) {
      pooled.close();
      lease.discard();
      throw e;
    }
    new FileTransfer(exchange, lease, start, start + length, head, pooled).begin(length);
  }

  /**
   * Sends {@code body} (all its remaining bytes: bytes {@code start...} of the blob) as the response
   * body, written with the headers in one gathering write as a file's head is; {@code body} must be
   * a buffer of this exchange's own (a duplicate or slice), never read by anyone else meanwhile.
   */
  static void fromMemory(HttpServerExchange exchange, ByteBuffer body, long start) {
    int length = body.remaining();
    new FileTransfer(exchange, null, start, start + length, body, null).begin(length);
  }

  private void begin(long length) {
    exchange.addExchangeCompleteListener(this);
    exchange.putAttachment(KEY, this);
    exchange.setResponseContentLength(length);
    handleEvent(exchange.getResponseChannel());
  }

  private static ByteBuffer readHead(FileChannel file, long start, int size, ByteBuffer buffer)
      throws IOException {
    ByteBuffer head = buffer.clear().limit(size);
    while (head.hasRemaining()) {
      if (file.read(head, start + head.position()) < 0) {
        throw new IOException("file ended at byte " + (start + head.position()) + " while being served");
      }
    }
    return head.flip();
  }

  /**
   * File bytes handed to the connection so far (Undertow's own count of bytes sent is not usable:
   * it counts what the quirk above read, not what the response carries).
   */
  long sent() {
    return position - start;
  }

  @Override
  public void handleEvent(StreamSinkChannel channel) {
    try {
      while (!headSent) {
        if (!head[0].hasRemaining()) {
          // Written: back to the pool now, not after a long body (the buffer is not read again).
          headSent = true;
          if (pooled != null) {
            pooled.close();
          }
          break;
        }
        long written = channel.write(head);
        if (written == 0) {
          park(channel);
          return;
        }
        position += written;
      }
      while (position < end) {
        long sent = channel.transferFrom(file, position, end - position);
        if (sent == 0) {
          if (file.size() < end) {
            throw new IOException("file shrank to " + file.size() + " bytes while being served");
          }
          park(channel);
          return;
        }
        position += sent;
      }
      channel.getWriteSetter().set(null);
      channel.suspendWrites();
      exchange.endExchange(); // flushes what is buffered without blocking
    } catch (IOException e) {
      // Usually the client went away; the response cannot be finished, so drop the connection.
      log.debug("transfer to {} aborted at byte {}: {}", exchange.getSourceAddress(), position, e.toString());
      if (lease != null) {
        lease.discard();
      }
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  /** Waits for the socket to take more. */
  private void park(StreamSinkChannel channel) {
    channel.getWriteSetter().set(this);
    channel.resumeWrites();
  }

  @Override
  public void exchangeEvent(HttpServerExchange completed, NextListener next) {
    if (lease != null) {
      lease.close();
    }
    if (pooled != null) {
      pooled.close(); // a second close does nothing
    }
    next.proceed();
  }
}
