package org.distvault.storage.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of an append-only log: its cursor (the sequence number, unique and increasing within
 * its kind), when it was committed, and the payload exactly as appended.
 */
public record LogEntry(LogKind kind, long cursor, Instant appendedAt, byte[] payload) {
  public LogEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(appendedAt, "appendedAt");
    payload = payload.clone();
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload decoded as UTF-8 (JSON payloads are UTF-8). */
  public String text() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.kind == kind
        && e.cursor == cursor
        && e.appendedAt.equals(appendedAt)
        && Arrays.equals(e.payload, payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, cursor, appendedAt, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return kind + "#" + cursor + "@" + appendedAt + " (" + payload.length + " bytes)";
  }
}
