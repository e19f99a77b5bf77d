package org.distvault.server.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.distvault.server.admin.ingest.ScrubRunner;
import org.distvault.server.health.FreeSpace;
import org.distvault.server.health.Health;
import org.distvault.server.mode.ModeService;
import org.distvault.server.mode.SetService;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.server.violation.ViolationReport;
import org.distvault.storage.name.SetName;
import org.distvault.storage.vault.Vault;

/**
 * Reads a {@link StatusSnapshot} from the server's parts, through the same calls the admin API and
 * {@code /healthz} make. Thread-safe.
 *
 * @param started when the server started (for the uptime)
 * @param lastScrub the last finished scrub ({@link ScrubRunner#last})
 */
public record StatusCollector(
    String version,
    Instant started,
    Clock clock,
    Vault vault,
    ModeService modes,
    SetService sets,
    ViolationRecorder violations,
    Health health,
    FreeSpace space,
    Supplier<Optional<ScrubRunner.Last>> lastScrub,
    RateHistory rates) {
  /** Violations listed on the page, newest first. */
  public static final int RECENT = 50;

  /**
   * Violations one report reads at most: a page anyone may load must not scan a log of millions; the
   * admin API's report reads further. Past it, the report says it is truncated.
   */
  public static final int REPORT_SCAN = 100_000;

  public StatusCollector {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(modes, "modes");
    Objects.requireNonNull(sets, "sets");
    Objects.requireNonNull(violations, "violations");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(lastScrub, "lastScrub");
    Objects.requireNonNull(rates, "rates");
  }

  /**
   * The state now, with the report of {@code reportSet}.
   *
   * @param detail whether the reader is the admin (client addresses shown)
   */
  public StatusSnapshot collect(SetName reportSet, boolean detail) {
    Instant now = clock.instant();
    long free = space.check(); // also raises or clears low_space, as /healthz does
    return new StatusSnapshot(now, version, Duration.between(started, now), modes.current(), health.reasons(),
        vault.stats(), free, sets.list(), recent(), reportSet,
        ViolationReport.scan(violations, Optional.empty(), Optional.of(reportSet), REPORT_SCAN),
        rates.lastHour(), lastScrub.get(), detail);
  }

  /** The newest {@value #RECENT} violations, newest first (the log's cursors count up from 1). */
  private List<Violation> recent() {
    long last = violations.lastCursor();
    List<Violation> out = new ArrayList<>(violations.read(Math.max(0, last - RECENT), RECENT));
    Collections.reverse(out);
    return out;
  }
}
