package org.distvault.server.violation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records violations: durably in the catalog's violations log first (the call returns once the
 * entry is synced), then as a line of the JSON-lines file, then tells the listener (metrics).
 *
 * <p>A failed catalog append throws, and the caller must not send the 404: a miss is answered only
 * once its violation is durable. The file lines of a whole group commit are written at once by the
 * thread that committed the group, after the sync and before the appenders return ({@link
 * Catalog#onCommitted}): one open-write-close per fsync, not per violation. A failed file write is
 * logged and does not fail the request. Thread-safe: concurrent records share the group commit.
 * One recorder per catalog (it takes the catalog's listener of the violations log).
 *
 * <p>Each violation is logged as a WARN line, at most {@link #WARN_LINES_PER_WINDOW} per
 * {@link #WARN_WINDOW_NANOS 10 s}; past that the rest of the window's violations are counted and
 * one WARN line names how many were not logged one by one (all are in the catalog, the file and
 * the admin API), written with the next violation after the window.
 */
public final class ViolationRecorder {
  private static final Logger log = LoggerFactory.getLogger(ViolationRecorder.class);

  /** Violations logged one by one per window; a flood of misses must not become a flood of log lines. */
  static final int WARN_LINES_PER_WINDOW = 100;

  static final long WARN_WINDOW_NANOS = 10_000_000_000L;

  private final Vault vault;
  private final ViolationLog file;
  private final Consumer<ViolationKind> listener;
  private final LongSupplier nanoTime;
  private final Object warnLock = new Object();
  private long windowStart;
  private int warnedInWindow;
  private long unwarned;

  /**
   * @param listener told the kind of every recorded violation (e.g. a counter); must not block
   */
  public ViolationRecorder(Vault vault, ViolationLog file, Consumer<ViolationKind> listener) {
    this(vault, file, listener, System::nanoTime);
  }

  /** As above, with the clock of the WARN windows (tests). */
  ViolationRecorder(Vault vault, ViolationLog file, Consumer<ViolationKind> listener, LongSupplier nanoTime) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.file = Objects.requireNonNull(file, "file");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.windowStart = nanoTime.getAsLong();
    vault.onCommitted(LogKind.VIOLATIONS, this::copyToFile);
  }

  /** Writes a committed group's lines to the file (by the thread that committed the group). */
  private void copyToFile(List<LogEntry> entries) {
    try {
      file.appendRecorded(entries);
    } catch (IOException | RuntimeException e) {
      log.error("violations {}..{} are recorded in the vault but could not be written to {}: {}",
          entries.get(0).cursor(), entries.get(entries.size() - 1).cursor(), file.file(), e.toString());
    }
  }

  /**
   * Records {@code v} and returns it with its cursor, once it is durable.
   *
   * @throws RuntimeException when the catalog could not store it (then nothing is recorded)
   */
  public Violation record(Violation v) {
    // The line in the file is written by copyToFile before append returns.
    long cursor = vault.append(LogKind.VIOLATIONS, ViolationJson.toBytes(v.withCursor(0)));
    Violation recorded = v.withCursor(cursor);
    listener.accept(recorded.kind());
    warn(recorded);
    return recorded;
  }

  /** The WARN line of a violation, unless this window already had its share (then it is counted). */
  private void warn(Violation recorded) {
    long skipped = 0;
    boolean logIt;
    synchronized (warnLock) {
      long now = nanoTime.getAsLong();
      if (now - windowStart >= WARN_WINDOW_NANOS) {
        skipped = unwarned;
        unwarned = 0;
        warnedInWindow = 0;
        windowStart = now;
      }
      logIt = warnedInWindow < WARN_LINES_PER_WINDOW;
      if (logIt) {
        warnedInWindow++;
      } else {
        unwarned++;
      }
    }
    if (skipped > 0) {
      log.warn("{} more violations in the last {} s were recorded but not logged one by one "
          + "(see {} or GET /api/v1/violations)", skipped, WARN_WINDOW_NANOS / 1_000_000_000L, file.file());
    }
    if (logIt) {
      log.warn("violation {}: {} {} {} from {} ({}){}", recorded.cursor(), recorded.kind(), recorded.method(),
          recorded.path(), recorded.client(), recorded.reason(),
          recorded.run().map(r -> " run " + r).orElse(""));
    }
  }

  /** Up to {@code limit} recorded violations after {@code afterCursor}, oldest first. */
  public List<Violation> read(long afterCursor, int limit) {
    List<Violation> out = new ArrayList<>();
    for (LogEntry e : vault.read(LogKind.VIOLATIONS, afterCursor, limit)) {
      out.add(ViolationJson.fromBytes(e.cursor(), e.payload()));
    }
    return out;
  }

  /** The cursor of the newest violation, 0 when there is none: also how many there are. */
  public long lastCursor() {
    return vault.lastCursor(LogKind.VIOLATIONS);
  }

  /** Copies to the JSON-lines file what a crash kept from it; see {@link ViolationLog#catchUp}. */
  public int catchUpFile() throws IOException {
    return file.catchUp(lastCursor(), after -> read(after, Vault.MAX_PAGE));
  }
}
