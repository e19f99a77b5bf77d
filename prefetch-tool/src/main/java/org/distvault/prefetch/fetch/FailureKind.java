package org.distvault.prefetch.fetch;

/**
 * The closed set of ways a fetch fails, each with the retry advice it usually carries and whether
 * it signals trouble at the host (so the host's concurrency shrinks and it backs off).
 */
public enum FailureKind {
  /** A non-2xx HTTP status other than 429/503 (5xx counts as host trouble). */
  HTTP_STATUS(Retry.NEXT_URL, false),
  /** HTTP 429 or 503, or FTP 421: the host asks us to slow down, maybe with Retry-After. */
  RATE_LIMITED(Retry.RETRY_HOST_LATER, true),
  CONNECT_TIMEOUT(Retry.RETRY_HOST_LATER, true),
  /** Connection refused, unknown host, TLS handshake failure. */
  CONNECT_FAILED(Retry.NEXT_URL, true),
  /** No bytes from the host for the idle timeout. */
  IDLE_TIMEOUT(Retry.RETRY_HOST_LATER, true),
  /** Connection reset or closed in the middle of the exchange. */
  CONNECTION_LOST(Retry.RETRY_HOST_LATER, true),
  /** Fewer bytes than the host itself announced. */
  TRUNCATED(Retry.RETRY_HOST_LATER, true),
  /** More bytes than expected (stopped at expected + 1). */
  TOO_LONG(Retry.NEXT_URL, false),
  /** The announced or received size differs from the expected size. */
  SIZE_MISMATCH(Retry.NEXT_URL, false),
  DIGEST_MISMATCH(Retry.NEXT_URL, false),
  /** An HTML page (error page, captive portal) instead of the distfile. */
  HTML_PAGE(Retry.NEXT_URL, false),
  /** Redirect loop, too many redirects, or an unusable Location. */
  REDIRECT(Retry.NEXT_URL, false),
  /** The file does not exist there (file:// path, FTP 550). */
  NOT_FOUND(Retry.NEXT_URL, false),
  /** Anything else the remote side got wrong, or a URL we cannot use. */
  PROTOCOL(Retry.NEXT_URL, false),
  /** A local fault: the spool file could not be written. */
  LOCAL_IO(Retry.PERMANENT, false);

  private final Retry retry;
  private final boolean hostTrouble;

  FailureKind(Retry retry, boolean hostTrouble) {
    this.retry = retry;
    this.hostTrouble = hostTrouble;
  }

  public Retry defaultRetry() {
    return retry;
  }

  public boolean defaultHostTrouble() {
    return hostTrouble;
  }
}
