package org.distvault.prefetch.deliver;

import java.util.Objects;
import org.distvault.prefetch.fetch.FailureKind;
import org.distvault.prefetch.fetch.Retry;

/**
 * One failed try of one URL.
 *
 * @param url the URL tried
 * @param error the one-line reason
 * @param kind what went wrong
 * @param retry what the failure suggested
 */
public record Attempt(String url, String error, FailureKind kind, Retry retry) {

  public Attempt {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(retry, "retry");
  }
}
