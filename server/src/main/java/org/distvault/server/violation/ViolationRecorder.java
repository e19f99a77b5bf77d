package org.distvault.server.violation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.catalog.LogEntry;
import org.distvault.storage.catalog.LogKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records violations: durably in the catalog's violations log first (the call returns once the
 * entry is synced), then as a line of the JSON-lines file, then tells the listener (metrics).
 *
 * <p>A failed catalog append throws, and the caller must not send the 404: a miss is answered only
 * once its violation is durable. A failed file write is logged and does not fail the request.
 * Thread-safe: concurrent records share the catalog's group commit.
 */
public final class ViolationRecorder {
  private static final Logger log = LoggerFactory.getLogger(ViolationRecorder.class);

  private final Catalog catalog;
  private final ViolationLog file;
  private final Consumer<ViolationKind> listener;

  /**
   * @param listener told the kind of every recorded violation (e.g. a counter); must not block
   */
  public ViolationRecorder(Catalog catalog, ViolationLog file, Consumer<ViolationKind> listener) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.file = Objects.requireNonNull(file, "file");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Records {@code v} and returns it with its cursor, once it is durable.
   *
   * @throws RuntimeException when the catalog could not store it (then nothing is recorded)
   */
  public Violation record(Violation v) {
    long cursor = catalog.append(LogKind.VIOLATIONS, ViolationJson.toBytes(v.withCursor(0)));
    Violation recorded = v.withCursor(cursor);
    try {
      file.append(recorded);
    } catch (IOException | RuntimeException e) {
      log.error("violation {} is recorded in the catalog but could not be written to {}: {}",
          cursor, file.file(), e.toString());
    }
    listener.accept(recorded.kind());
    log.warn("violation {}: {} {} {} from {} ({}){}", cursor, recorded.kind(), recorded.method(),
        recorded.path(), recorded.client(), recorded.reason(),
        recorded.run().map(r -> " run " + r).orElse(""));
    return recorded;
  }

  /** Up to {@code limit} recorded violations after {@code afterCursor}, oldest first. */
  public List<Violation> read(long afterCursor, int limit) {
    List<Violation> out = new ArrayList<>();
    for (LogEntry e : catalog.read(LogKind.VIOLATIONS, afterCursor, limit)) {
      out.add(ViolationJson.fromBytes(e.cursor(), e.payload()));
    }
    return out;
  }

  /** The cursor of the newest violation, 0 when there is none: also how many there are. */
  public long lastCursor() {
    return catalog.lastCursor(LogKind.VIOLATIONS);
  }

  /** Copies to the JSON-lines file what a crash kept from it; see {@link ViolationLog#catchUp}. */
  public int catchUpFile() throws IOException {
    return file.catchUp(lastCursor(), after -> read(after, Catalog.MAX_PAGE));
  }
}
