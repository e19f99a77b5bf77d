package org.distvault.server.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request the handler rejects: the HTTP status, the one-line error, the metrics result and any
 * extra JSON fields of the error body (e.g. {@code expected}/{@code actual} digests).
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String result;
  private final transient Map<String, Object> extra;

  public ApiException(int status, String result, String error) {
    this(status, result, error, Map.of());
  }

  public ApiException(int status, String result, String error, Map<String, Object> extra) {
    super(Objects.requireNonNull(error, "error"), null, false, false);
    this.status = status;
    this.result = Objects.requireNonNull(result, "result");
    this.extra = new LinkedHashMap<>(extra);
  }

  /** 400: the request itself is wrong; {@code error} names what. */
  public static ApiException badRequest(String error) {
    return new ApiException(400, "bad_request", error);
  }

  /** 409: the gate refuses writes. */
  public static ApiException refused(String reason) {
    return new ApiException(409, "refused", reason);
  }

  public int status() {
    return status;
  }

  /** The {@link IngestListener} result word. */
  public String result() {
    return result;
  }

  /** The error body: {@code {"error": message, ...extra}}. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", JsonReply.oneLine(getMessage()));
    body.putAll(extra);
    return body;
  }
}
