package org.distvault.server.admin;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that fails with {@link TooLargeException} as soon as more than {@code limit}
 * bytes arrive. Undertow checks a route's limit itself only for bodies with a Content-Length: a
 * chunked body is checked against the server-wide limit fixed when the request was parsed.
 */
public final class BoundedBody extends FilterInputStream {
  /** More bytes than the route accepts. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super("request body larger than " + limit + " bytes");
    }
  }

  private final long limit;
  private long count;

  public BoundedBody(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  private void counted(long n) throws TooLargeException {
    count += n;
    if (count > limit) {
      throw new TooLargeException(limit);
    }
  }
}
