package org.distvault.storage.blob;

import java.util.Objects;

/**
 * A blob backend could not do {@link #operation()} now: its store was unreachable, too slow, or
 * answered with an error, after the bounded retries. Not the request's fault and not a miss: the
 * server answers 503 and counts it per operation.
 *
 * <p>Unchecked, because {@link BlobBackend#file} and {@link BlobBackend#contains} declare no
 * exceptions; the methods that do also throw this one rather than a plain {@code IOException}.
 */
public class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;

  /**
   * @param operation a short name for what failed, e.g. {@code "get"}, {@code "put"}, {@code
   *     "list"}; the metric's {@code op} label
   * @param message says which blob or key, where, and what happened
   */
  public BackendUnavailableException(String operation, String message, Throwable cause) {
    super(operation + ": " + message, cause);
    this.operation = Objects.requireNonNull(operation, "operation");
  }

  /** What failed: the {@code op} label of {@code distvault_backend_errors_total}. */
  public String operation() {
    return operation;
  }
}
