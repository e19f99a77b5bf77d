package org.distvault.server.trap;

/** How a tunnel to an allow-listed host ended: the {@code result} label of its metric. */
public enum TunnelResult {
  /** Both sides finished (or one closed or reset the connection). */
  CLOSED("closed"),
  /** No byte in either direction for the idle timeout: closed by the proxy. */
  IDLE_TIMEOUT("idle_timeout"),
  /** The connection to the host failed or timed out; the client got 502 or 504. */
  CONNECT_FAILED("connect_failed");

  private final String label;

  TunnelResult(String label) {
    this.label = label;
  }

  /** The metric label, e.g. {@code idle_timeout}. */
  public String label() {
    return label;
  }
}
