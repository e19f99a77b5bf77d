package org.distvault.server.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.admin.ingest.ScrubRunner;
import org.distvault.server.health.Condition;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationReport;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.SetSummary;
import org.distvault.storage.record.StoreStats;

/**
 * What the status page shows, read at one moment; both renderings ({@link StatusHtml}, {@link
 * StatusJson}) are made from it. It holds client addresses (in the violations and the report),
 * which the renderings show only when {@link #detail} is set.
 *
 * @param at when it was read
 * @param version the server's version
 * @param uptime how long the server has been running
 * @param health the conditions the server is degraded by (empty: ok)
 * @param store the whole store's counts and blob bytes
 * @param freeBytes the space usable on the data directory's file system
 * @param sets every source set, sorted by name
 * @param recent the newest violations, newest first
 * @param reportSet the set the report is of
 * @param report the violations of {@code reportSet} per package
 * @param rates hits, misses and violations per minute over the last hour, oldest first
 * @param lastScrub the last finished scrub, if any
 * @param detail whether the request carried the admin token: then client addresses are shown
 */
public record StatusSnapshot(
    Instant at,
    String version,
    Duration uptime,
    Mode mode,
    Map<Condition, String> health,
    StoreStats store,
    long freeBytes,
    List<SetSummary> sets,
    List<Violation> recent,
    SetName reportSet,
    ViolationReport report,
    List<RateHistory.Bucket> rates,
    Optional<ScrubRunner.Last> lastScrub,
    boolean detail) {

  public StatusSnapshot {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(mode, "mode");
    health = Map.copyOf(health);
    Objects.requireNonNull(store, "store");
    sets = List.copyOf(sets);
    recent = List.copyOf(recent);
    Objects.requireNonNull(reportSet, "reportSet");
    Objects.requireNonNull(report, "report");
    rates = List.copyOf(rates);
    Objects.requireNonNull(lastScrub, "lastScrub");
  }
}
