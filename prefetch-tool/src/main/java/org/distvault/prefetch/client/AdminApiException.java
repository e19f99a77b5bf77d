package org.distvault.prefetch.client;

import java.io.IOException;

/**
 * The admin API answered a request with an error status. The message is {@code METHOD /path:
 * HTTP status: the server's reason}; callers decide what a status means for them (the prefetch
 * run stops on 401, 403 and 409; a subcommand exits 2 on 401).
 */
public final class AdminApiException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String request;
  private final int status;
  private final String reason;

  AdminApiException(String request, int status, String reason) {
    super(request + ": HTTP " + status + (reason.isEmpty() ? "" : ": " + reason));
    this.request = request;
    this.status = status;
    this.reason = reason;
  }

  /** The request, {@code METHOD /path}. */
  public String request() {
    return request;
  }

  public int status() {
    return status;
  }

  /** The server's one-line reason ({@code {"error": ...}}), or the start of a body of another shape. */
  public String reason() {
    return reason;
  }
}
