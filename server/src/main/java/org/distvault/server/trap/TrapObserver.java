package org.distvault.server.trap;

/**
 * Told what the trap proxy did with each connection and tunnel (the metrics). Implementations must
 * be thread-safe and must not block.
 */
public interface TrapObserver {
  /** Observes nothing. */
  TrapObserver NONE = new TrapObserver() {
    @Override
    public void request(TrapOutcome outcome) {}

    @Override
    public void tunnel(TunnelResult result, long bytesUp, long bytesDown) {}
  };

  /** One connection's request was answered (or the client went away) with this outcome. */
  void request(TrapOutcome outcome);

  /**
   * A tunnel to an allow-listed host ended.
   *
   * @param bytesUp bytes from the client to the host
   * @param bytesDown bytes from the host to the client
   */
  void tunnel(TunnelResult result, long bytesUp, long bytesDown);
}
