package org.distvault.prefetch.fetch;

import java.time.Instant;
import java.util.Optional;

/**
 * A failed fetch: a one-line human reason (e.g. {@code HTTP 404 from https://…}, {@code connect
 * timeout to host:port after 10s}, {@code truncated: got N of M bytes}), its {@link FailureKind},
 * what to do next ({@link Retry}), whether the host is in trouble, and the time the host asked us
 * to wait until (Retry-After), if any.
 */
public final class FetchFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;
  private final Retry retry;
  private final boolean hostTrouble;
  private final transient Instant retryAfter;

  private FetchFailure(FailureKind kind, String reason, Retry retry, boolean hostTrouble, Instant retryAfter) {
    super(reason, null, false, false);
    this.kind = kind;
    this.retry = retry;
    this.hostTrouble = hostTrouble;
    this.retryAfter = retryAfter;
  }

  /** A failure with the kind's usual retry advice. */
  public static FetchFailure of(FailureKind kind, String reason) {
    return new FetchFailure(kind, reason, kind.defaultRetry(), kind.defaultHostTrouble(), null);
  }

  /** A failure with explicit retry advice (e.g. an FTP 4xx reply, transient by definition). */
  public static FetchFailure of(FailureKind kind, String reason, Retry retry) {
    return new FetchFailure(kind, reason, retry, kind.defaultHostTrouble() || retry == Retry.RETRY_HOST_LATER, null);
  }

  /** An HTTP status failure; 5xx counts as host trouble. */
  public static FetchFailure httpStatus(int status, String url) {
    return new FetchFailure(FailureKind.HTTP_STATUS, "HTTP " + status + " from " + url, Retry.NEXT_URL,
        status >= 500, null);
  }

  /** The host asked us to slow down (HTTP 429/503, FTP 421), possibly until {@code retryAfter}. */
  public static FetchFailure rateLimited(String reason, Optional<Instant> retryAfter) {
    return new FetchFailure(FailureKind.RATE_LIMITED, reason, Retry.RETRY_HOST_LATER, true,
        retryAfter.orElse(null));
  }

  /** The one-line reason. */
  public String reason() {
    return getMessage();
  }

  public FailureKind kind() {
    return kind;
  }

  public Retry retry() {
    return retry;
  }

  /** Whether the host is struggling (timeouts, resets, 429/503, 5xx): shrink and back off. */
  public boolean hostTrouble() {
    return hostTrouble;
  }

  /** No request to the host before this time (from Retry-After). */
  public Optional<Instant> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return kind + " (" + retry + "): " + getMessage();
  }
}
