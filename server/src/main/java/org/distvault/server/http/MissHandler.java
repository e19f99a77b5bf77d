package org.distvault.server.http;

import java.io.IOException;

/**
 * Decides what happens when a serving request finds nothing: the seam between the serving layer
 * and the server's modes (a miss may be a violation to record, or a file to fetch).
 *
 * <p>Called on a worker thread, before any byte of the response is sent, so an implementation may
 * block (e.g. until a record is durable). Implementations are expected to be safe for concurrent
 * use.
 */
@FunctionalInterface
public interface MissHandler {
  /**
   * Answers a miss.
   *
   * @throws IOException when the miss could not be handled; the client gets a 500 then
   */
  MissAnswer answer(Miss miss) throws IOException;
}
