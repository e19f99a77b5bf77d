package org.distvault.server;

import java.time.Duration;
import java.util.Objects;
import org.distvault.storage.name.SetName;

/**
 * What a replica follows ({@code serve --replica-of s3://BUCKET[/PREFIX] --set NAME --poll SECONDS}):
 * the published seal of one set in the bucket of its blob store.
 *
 * @param set the set whose {@code sets/<set>/current} pointer it follows
 * @param poll how often it reads the pointer
 */
public record ReplicaOf(SetName set, Duration poll) {
  /** {@code --poll}'s default. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);

  public ReplicaOf {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(poll, "poll");
    if (poll.isNegative() || poll.isZero()) {
      throw new IllegalArgumentException("the poll interval must be positive: " + poll);
    }
  }
}
