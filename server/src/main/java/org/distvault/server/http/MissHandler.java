package org.distvault.server.http;

import java.io.IOException;
import java.util.Optional;

/**
 * Decides what happens when a serving request finds nothing: the seam between the serving layer
 * and the server's modes (a miss may be a violation to record, or a file to fetch).
 *
 * <p>{@link #answer} is called on a worker thread, before any byte of the response is sent, so an
 * implementation may block (e.g. until a record is durable); {@link #answerWithoutBlocking} on an
 * I/O thread, where it must not. Implementations are expected to be safe for concurrent
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

  /**
   * Answers a miss without blocking, when this handler can: on the HTTP I/O thread that read the
   * request, so that a miss the store knows from memory ({@link BlobSource#unknownInMemory}) needs
   * no worker thread. Empty when answering may block (e.g. a fetch from upstream): then {@link
   * #answer} is asked on a worker thread. The default never answers here.
   *
   * @throws RuntimeException when the miss could not be handled; the routes then ask {@link #answer}
   *     on a worker thread, which answers the failure
   */
  default Optional<MissAnswer> answerWithoutBlocking(Miss miss) {
    return Optional.empty();
  }
}
