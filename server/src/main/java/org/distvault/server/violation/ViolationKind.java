package org.distvault.server.violation;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code kind} of a violation: why an offline request found nothing to serve, or that a build
 * tried to reach the network through the trap proxy.
 */
public enum ViolationKind {
  /** Catalogued (some manifest lists the name) but no verified content is stored. */
  NOT_PREFETCHED("not-prefetched"),
  /** In no manifest (also: a {@code /by-hash/} digest the store does not hold). */
  UNKNOWN("unknown"),
  /**
   * Several packages expect different content under the name and the request did not say which
   * ({@code /distfiles/} instead of {@code /pkg/<PKGPATH>/}); treated as a miss.
   */
  AMBIGUOUS("ambiguous"),
  /**
   * A download attempt through the egress trap proxy ({@code CONNECT host:port} or an absolute-URI
   * request) to a host that is not allow-listed; refused, never forwarded, in either mode.
   */
  EGRESS("egress");

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
