package org.distvault.prefetch.fetch;

import java.io.OutputStream;

/**
 * Fetches one URL into a sink, within the limits of the request and the fetcher's settings.
 *
 * <p>The fetcher writes the body to {@code sink} as it arrives and never closes it. On failure
 * the sink may hold part of a body: the caller discards it. Implementations are safe for
 * concurrent use by several threads, each with its own request and sink.
 */
public interface Fetcher {

  /**
   * Fetches {@code request.url()} into {@code sink}.
   *
   * @throws FetchFailure with a one-line reason and retry advice
   * @throws InterruptedException when the calling thread was interrupted
   */
  FetchResult fetch(FetchRequest request, OutputStream sink) throws FetchFailure, InterruptedException;
}
