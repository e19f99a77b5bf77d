package org.distvault.server.violation;

import java.util.Arrays;
import java.util.Optional;

/** Why an offline request found nothing to serve: the {@code kind} of a violation. */
public enum ViolationKind {
  /** Catalogued (some manifest lists the name) but no verified content is stored. */
  NOT_PREFETCHED("not-prefetched"),
  /** In no manifest (also: a {@code /by-hash/} digest the store does not hold). */
  UNKNOWN("unknown"),
  /**
   * Several packages expect different content under the name and the request did not say which
   * ({@code /distfiles/} instead of {@code /pkg/<PKGPATH>/}); treated as a miss.
   */
  AMBIGUOUS("ambiguous");

  private final String wireName;

  ViolationKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name in JSON, reports and metric labels, e.g. {@code not-prefetched}. */
  public String wireName() {
    return wireName;
  }

  /** The kind with this wire name. */
  public static Optional<ViolationKind> byWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
