package org.distvault.server.http;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
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
 * <p>The first round runs on the thread that starts it; when the socket is full the pump parks on
 * the channel's write listener and returns, so a slow client holds no worker thread. The file
 * channel is owned by this object and closed when the exchange completes for any reason (done,
 * client gone, idle timeout, server stop) and on any transfer error.
 */
final class FileTransfer implements ChannelListener<StreamSinkChannel>, ExchangeCompletionListener {
  private static final Logger log = LoggerFactory.getLogger(FileTransfer.class);

  private final HttpServerExchange exchange;
  private final FileChannel file;
  private final long end;
  private long position;

  private FileTransfer(HttpServerExchange exchange, FileChannel file, long start, long end) {
    this.exchange = exchange;
    this.file = file;
    this.position = start;
    this.end = end;
  }

  /**
   * Sends bytes {@code [start, start + length)} of {@code file} as the response body; takes
   * ownership of {@code file}. Response status and headers must be set already.
   */
  static void start(HttpServerExchange exchange, FileChannel file, long start, long length)
      throws IOException {
    try {
      // Undertow's HttpResponseConduit.transferFrom ignores its position argument while the
      // response headers are unwritten and reads from the channel's own position instead.
      file.position(start);
    } catch (IOException e) {
      IoUtils.safeClose(file);
      throw e;
    }
    FileTransfer transfer = new FileTransfer(exchange, file, start, start + length);
    exchange.addExchangeCompleteListener(transfer);
    exchange.setResponseContentLength(length);
    transfer.handleEvent(exchange.getResponseChannel());
  }

  @Override
  public void handleEvent(StreamSinkChannel channel) {
    try {
      while (position < end) {
        long sent = channel.transferFrom(file, position, end - position);
        if (sent == 0) {
          if (file.size() < end) {
            throw new IOException("file shrank to " + file.size() + " bytes while being served");
          }
          channel.getWriteSetter().set(this);
          channel.resumeWrites();
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
      IoUtils.safeClose(file);
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  @Override
  public void exchangeEvent(HttpServerExchange completed, NextListener next) {
    IoUtils.safeClose(file);
    next.proceed();
  }
}
