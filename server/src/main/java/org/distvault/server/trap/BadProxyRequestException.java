package org.distvault.server.trap;

/**
 * A request head the trap proxy cannot take: its HTTP status (400, 408, 431, 505) and a one-line
 * reason for the answer body.
 */
final class BadProxyRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  BadProxyRequestException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  int status() {
    return status;
  }
}
