package org.distvault.prefetch.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Copies a response body to the sink while enforcing the size limit (reads stop at expected + 1
 * bytes, so an endless body cannot fill the disk), spotting HTML pages, and turning every I/O
 * error into a {@link FetchFailure} that says whether the network or the local sink failed.
 */
final class BodyCopier {
  private static final int BUFFER = 64 * 1024;

  private final String peer;
  private final String url;
  private final Duration idleTimeout;

  /**
   * @param peer {@code host:port} for messages
   * @param url the URL being read, for messages
   * @param idleTimeout the read timeout in force, for messages
   */
  BodyCopier(String peer, String url, Duration idleTimeout) {
    this.peer = peer;
    this.url = url;
    this.idleTimeout = idleTimeout;
  }

  /**
   * Copies until the end of {@code in} and returns the byte count.
   *
   * @param sniffer checks the leading bytes for HTML, or {@code null} to skip that check
   * @param limit the most bytes accepted ({@code expected} size, or the cap for unknown sizes)
   */
  long copy(InputStream in, OutputStream sink, long limit, HtmlSniffer sniffer)
      throws FetchFailure, InterruptedException {
    byte[] buf = new byte[BUFFER];
    long total = 0;
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException("fetch of " + url + " interrupted");
      }
      // Ask for at most limit + 1 - total bytes: reading one byte past the limit proves "too long".
      int want = (int) Math.min(buf.length, limit + 1 - total);
      int n;
      try {
        n = in.read(buf, 0, want);
      } catch (SocketTimeoutException e) {
        throw FetchFailure.of(FailureKind.IDLE_TIMEOUT,
            "no data from " + peer + " for " + seconds(idleTimeout) + " after " + total + " bytes (idle timeout)");
      } catch (InterruptedIOException e) {
        throw new InterruptedException("fetch of " + url + " interrupted");
      } catch (IOException e) {
        throw FetchFailure.of(FailureKind.CONNECTION_LOST,
            "connection to " + peer + " lost after " + total + " bytes: " + e.getMessage());
      }
      if (n < 0) {
        break;
      }
      if (sniffer != null && !sniffer.decided()) {
        sniffer.feed(buf, 0, n);
        checkHtml(sniffer);
      }
      if (total + n > limit) {
        throw FetchFailure.of(FailureKind.TOO_LONG,
            "body longer than expected: more than " + limit + " bytes from " + url);
      }
      try {
        sink.write(buf, 0, n);
      } catch (IOException e) {
        throw FetchFailure.of(FailureKind.LOCAL_IO, "cannot write the spool file: " + e.getMessage());
      }
      total += n;
    }
    if (sniffer != null && !sniffer.decided()) {
      sniffer.end();
      checkHtml(sniffer);
    }
    return total;
  }

  private void checkHtml(HtmlSniffer sniffer) throws FetchFailure {
    if (sniffer.decided() && sniffer.isHtml()) {
      throw FetchFailure.of(FailureKind.HTML_PAGE,
          "upstream returned an HTML page (body starts with " + sniffer.head() + "), not the distfile, from " + url);
    }
  }

  /**
   * Checks a complete body against the length the host announced and the expected size.
   *
   * @param announced the host's Content-Length or FTP SIZE, or -1 when it said nothing
   */
  void checkComplete(long got, long announced, OptionalLong expected) throws FetchFailure {
    if (announced >= 0 && got < announced) {
      throw FetchFailure.of(FailureKind.TRUNCATED,
          "truncated: got " + got + " of " + announced + " bytes from " + url);
    }
    if (expected.isPresent() && got != expected.getAsLong()) {
      throw FetchFailure.of(FailureKind.SIZE_MISMATCH,
          "size mismatch: expected " + expected.getAsLong() + " bytes, got " + got + " from " + url);
    }
  }

  /** Fails early when the announced length already contradicts the expected size. */
  void checkAnnounced(long announced, OptionalLong expected) throws FetchFailure {
    if (announced >= 0 && expected.isPresent() && announced != expected.getAsLong()) {
      throw FetchFailure.of(FailureKind.SIZE_MISMATCH,
          "size mismatch: " + peer + " announced " + announced + " bytes, expected " + expected.getAsLong()
              + ", for " + url);
    }
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
