package org.distvault.prefetch.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * A request of the admin API whose body the caller writes as it arrives (see {@link
 * AdminApi#stream}): a fixed-length body on an {@link HttpURLConnection}, written straight to the
 * socket by the caller's thread, with no buffer file and no hand-over to another thread.
 *
 * <p>Why HttpURLConnection rather than {@code java.net.http}: its body is an {@link
 * OutputStream} the download thread writes into, which is exactly the shape of a download being
 * passed on; {@code java.net.http} pulls its body through a publisher on its selector thread, which
 * would need a second thread and a queue per upload. Keep-alive connections are pooled by the JDK.
 *
 * <p>Use once: {@link #write} the body, then {@link #finish()}. {@link #close()} before {@code
 * finish} breaks the request off (the connection is dropped, so the server sees an incomplete body
 * and keeps nothing). Not thread-safe.
 */
public final class StreamedRequest extends OutputStream {
  private final String method;
  private final URI uri;
  private final String what;
  private final long size;
  private final Map<String, String> headers;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final Optional<SSLContext> tls;
  private HttpURLConnection connection;
  private OutputStream body;
  private long written;
  private boolean done;

  StreamedRequest(String method, URI uri, String what, long size, Map<String, String> headers,
      Duration connectTimeout, Duration timeout, Optional<SSLContext> tls) {
    this.method = method;
    this.uri = uri;
    this.what = what;
    this.size = size;
    this.headers = headers;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
    this.tls = tls;
  }

  /** The request as messages name it, e.g. {@code PUT /api/v1/blobs/sha512/…}. */
  public String what() {
    return what;
  }

  /** Body bytes written so far. */
  public long written() {
    return written;
  }

  /** Whether the connection was opened (a first byte was written, or the request finished). */
  public boolean started() {
    return connection != null;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  /**
   * Sends body bytes; more than the announced size fail without sending them. A failure is the
   * server's answer when it already sent one (e.g. 409 while offline), else an IOException naming
   * the request.
   */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (done) {
      throw new IOException(what + ": body written after the request ended");
    }
    if (len > size - written) {
      throw new IOException(what + ": body longer than the announced " + size + " bytes");
    }
    open();
    try {
      body.write(b, off, len);
    } catch (IOException e) {
      throw answerOr(e);
    }
    written += len;
  }

  /**
   * Ends the body and reads the reply.
   *
   * @return the reply's JSON on a 2xx status
   * @throws AdminApiException on an error status, with the server's reason
   * @throws IOException when fewer bytes than announced were written, or the exchange failed
   */
  public JsonNode finish() throws IOException {
    if (done) {
      throw new IllegalStateException(what + ": finished already");
    }
    if (written != size) {
      throw new IOException(what + ": " + written + " of the announced " + size + " bytes written");
    }
    open();
    done = true;
    try {
      body.close();
      return answer();
    } catch (IOException e) {
      connection.disconnect();
      throw e instanceof AdminApiException ? e : new IOException(what + " failed: " + e, e);
    }
  }

  /** Breaks the request off unless it was finished: the server sees an incomplete body. Idempotent. */
  @Override
  public void close() {
    if (!done) {
      done = true;
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  private void open() throws IOException {
    if (connection != null) {
      return;
    }
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    if (c instanceof HttpsURLConnection https && tls.isPresent()) {
      https.setSSLSocketFactory(tls.get().getSocketFactory());
    }
    c.setRequestMethod(method);
    c.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
    c.setReadTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setDoOutput(true);
    c.setFixedLengthStreamingMode(size);
    headers.forEach(c::setRequestProperty);
    connection = c;
    try {
      body = c.getOutputStream();
    } catch (ConnectException e) {
      done = true;
      throw new ServerUnreachableException("cannot connect to " + uri.resolve("/") + ": "
          + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
    } catch (IOException e) {
      done = true;
      c.disconnect();
      throw new IOException(what + " failed: " + e, e);
    }
  }

  /** The status and JSON of the reply; the connection goes back to the keep-alive pool. */
  private JsonNode answer() throws IOException {
    int status = connection.getResponseCode();
    InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    byte[] reply;
    if (in == null) {
      reply = new byte[0];
    } else {
      try (InputStream r = in) {
        reply = r.readAllBytes();
      }
    }
    return AdminApi.reply(what, status, reply);
  }

  /** After a failed write: the server's error answer if it sent one before closing, else {@code e}. */
  private IOException answerOr(IOException e) {
    done = true;
    try {
      answer();
    } catch (AdminApiException refused) {
      refused.addSuppressed(e);
      return refused;
    } catch (IOException | RuntimeException ignored) {
      // No answer to read: the write failure says it all.
    }
    connection.disconnect();
    return new IOException(what + " failed while sending the body: " + e, e);
  }
}
