package org.distvault.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.server.gc.GcService;

/**
 * What the server does by itself to keep its store: garbage collection when the store outgrows
 * {@code serve --max-size} (keeping {@code --keep-seals} seals per set), and a scrub every {@code
 * --scrub-every}.
 *
 * @param keepSeals seals per set whose blobs its own collections keep
 * @param maxSize the stored bytes above which it collects garbage by itself, if any
 * @param scrubEvery how often it scrubs by itself, if at all
 */
public record Housekeeping(int keepSeals, OptionalLong maxSize, Optional<Duration> scrubEvery) {
  public Housekeeping {
    Objects.requireNonNull(maxSize, "maxSize");
    Objects.requireNonNull(scrubEvery, "scrubEvery");
  }

  /** Nothing by itself: no size bound, no scheduled scrub. */
  public static Housekeeping defaults() {
    return new Housekeeping(GcService.DEFAULT_KEEP_SEALS, OptionalLong.empty(), Optional.empty());
  }
}
