package org.distvault.server.trap;

/** What became of one trap proxy connection: the {@code outcome} label of its metric. */
public enum TrapOutcome {
  /** An egress attempt: recorded as a violation, answered 403. */
  REFUSED("refused"),
  /** A {@code CONNECT} to an allow-listed host, tunnelled. */
  TUNNELLED("tunnelled"),
  /** A plain-HTTP request to an allow-listed host: 403, only {@code CONNECT} is forwarded; no violation. */
  NOT_FORWARDED("not_forwarded"),
  /** A malformed request head (400, 505). */
  BAD_REQUEST("bad_request"),
  /** A request head over the size limit (431). */
  HEADERS_TOO_LARGE("headers_too_large"),
  /** A request head not complete by the deadline (408). */
  TIMEOUT("timeout"),
  /** Over the connection limit (503). */
  BUSY("busy"),
  /** The allow-listed host could not be reached (502, 504). */
  UPSTREAM_FAILED("upstream_failed"),
  /** The client closed the connection before sending a whole request head. */
  CLOSED("closed"),
  /** The violation could not be recorded, or another failure of ours (500). */
  ERROR("error");

  private final String label;

  TrapOutcome(String label) {
    this.label = label;
  }

  /** The metric label, e.g. {@code refused}. */
  public String label() {
    return label;
  }
}
