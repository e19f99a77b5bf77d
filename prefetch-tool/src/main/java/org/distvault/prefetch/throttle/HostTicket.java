package org.distvault.prefetch.throttle;

import java.time.Instant;
import java.util.Optional;

/**
 * What a running {@link HostTask} tells the scheduler about its host. Thread-safe; a task calls
 * {@link #succeeded} or {@link #trouble} at most once (neither: the result says nothing about the
 * host, e.g. a 404).
 */
public interface HostTicket {

  /** Bytes received from the host (feeds its measured throughput). */
  void bytes(long n);

  /** The transfer completed. */
  void succeeded();

  /** The host struggled (timeout, reset, 429/503, 5xx): shrink its limit and back off, until {@code retryAfter} if given. */
  void trouble(Optional<Instant> retryAfter);
}
