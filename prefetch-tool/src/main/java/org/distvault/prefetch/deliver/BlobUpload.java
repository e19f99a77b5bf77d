package org.distvault.prefetch.deliver;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A delivery whose body the caller streams in as it downloads it, to a destination that verifies
 * the Size and every expected digest itself before it stores anything (the server): nothing is
 * spooled or hashed on this side. See {@link BlobSink#stream}.
 *
 * <p>Use once: write the body, then {@link #finish()}. {@link #close()} without {@code finish}
 * breaks the delivery off and the destination keeps nothing. A write that fails is the
 * destination's fault, not the download's: {@link #failure()} keeps it, so the caller can tell a
 * lost upstream from a lost destination. Not thread-safe.
 */
public abstract class BlobUpload extends OutputStream {
  private IOException failure;

  /** Sends body bytes to the destination. */
  protected abstract void send(byte[] b, int off, int len) throws IOException;

  /**
   * Ends the body and waits until the destination has verified, stored and made the blob durable.
   *
   * @throws ContentRejectedException when the destination's digests or size differ from the
   *     expectation (nothing stored)
   * @throws SinkUnavailableException when the destination refuses every delivery
   * @throws IOException when the delivery failed otherwise
   */
  public abstract void finish() throws IOException;

  /** Breaks the delivery off unless it was finished. Idempotent. */
  @Override
  public abstract void close();

  @Override
  public final void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public final void write(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    try {
      send(b, off, len);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** The failure of a write to the destination, or null when every write went through. */
  public final IOException failure() {
    return failure;
  }
}
