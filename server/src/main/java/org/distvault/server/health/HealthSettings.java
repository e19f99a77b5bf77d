package org.distvault.server.health;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How health is watched.
 *
 * @param minFreeBytes the free-space threshold ({@code --min-free-space}); empty for the default of
 *     {@link FreeSpace}
 * @param checkInterval how often free space is measured and a violations file that is behind is
 *     completed
 */
public record HealthSettings(OptionalLong minFreeBytes, Duration checkInterval) {
  /** Every two seconds: a statfs call, and a catalog read only while the file is behind. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  public HealthSettings {
    Objects.requireNonNull(minFreeBytes, "minFreeBytes");
    Objects.requireNonNull(checkInterval, "checkInterval");
    if (minFreeBytes.isPresent() && minFreeBytes.getAsLong() < 0) {
      throw new IllegalArgumentException("minimum free space must not be negative");
    }
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("check interval must be positive, got " + checkInterval);
    }
  }

  /** The default threshold and interval. */
  public static HealthSettings defaults() {
    return new HealthSettings(OptionalLong.empty(), DEFAULT_INTERVAL);
  }

  /** These settings with a free-space threshold of {@code bytes}. */
  public HealthSettings withMinFreeBytes(long bytes) {
    return new HealthSettings(OptionalLong.of(bytes), checkInterval);
  }
}
