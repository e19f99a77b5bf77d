package org.distvault.server.admin.ingest;

import java.io.IOException;

/**
 * A failure to read a request body (the client broke off, the body is too large), wrapped on its
 * way through code that also writes what it read, so that a handler can tell it from a failure to
 * write (both are {@link IOException}s): the first is the client's, answered as {@link
 * org.distvault.server.admin.JsonEndpoint#readFailure}, the second the server's.
 */
final class BodyReadFailure extends IOException {
  private static final long serialVersionUID = 1L;
  private final long count;

  /** The body could not be read after {@code count} bytes. */
  BodyReadFailure(IOException read, long count) {
    super(read);
    this.count = count;
  }

  /** The failure to read, as the body's stream threw it. */
  IOException read() {
    return (IOException) getCause();
  }

  /** Bytes of the body read before the failure. */
  long count() {
    return count;
  }
}
