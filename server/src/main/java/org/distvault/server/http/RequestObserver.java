package org.distvault.server.http;

/**
 * Told about every finished exchange (see {@link ObservingHandler}); metrics implement it.
 * Implementations must be thread-safe and must not block: they run on IO threads.
 */
@FunctionalInterface
public interface RequestObserver {
  /**
   * One exchange ended.
   *
   * @param route the route family of the request path
   * @param status the response status sent
   * @param blobBytes bytes of a stored blob sent as the body (0 for HEAD, 304, errors, text replies)
   * @param nanos from the request reaching the handler to the end of the response
   */
  void completed(RouteKind route, int status, long blobBytes, long nanos);

  /** An observer that tells this one, then {@code next}. */
  default RequestObserver andThen(RequestObserver next) {
    return (route, status, blobBytes, nanos) -> {
      completed(route, status, blobBytes, nanos);
      next.completed(route, status, blobBytes, nanos);
    };
  }
}
