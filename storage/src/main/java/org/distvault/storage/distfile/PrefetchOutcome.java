package org.distvault.storage.distfile;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of the last attempt to prefetch a distfile variant: whether it worked, why not,
 * when, and from which URL (if one was reached).
 *
 * @param reason empty for {@link Status#OK}; for {@link Status#FAILED} a one-line reason that
 *     a violation and the bulk build report repeat
 */
public record PrefetchOutcome(Status status, String reason, Instant at, Optional<String> url) {
  /** Whether the prefetch fetched and verified the content. */
  public enum Status {
    OK,
    FAILED
  }

  public PrefetchOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(url, "url");
    if (status == Status.FAILED && reason.isBlank()) {
      throw new IllegalArgumentException("a failed prefetch outcome needs a reason");
    }
  }

  public static PrefetchOutcome ok(Instant at, String url) {
    return new PrefetchOutcome(Status.OK, "", at, Optional.of(url));
  }

  /** A failure; {@code url} is the last URL tried, or {@code null} when none was. */
  public static PrefetchOutcome failed(String reason, Instant at, String url) {
    return new PrefetchOutcome(Status.FAILED, reason, at, Optional.ofNullable(url));
  }

  public boolean failed() {
    return status == Status.FAILED;
  }
}
