package org.distvault.server.admin;

/**
 * Hears what each ingest request did, for metrics. The handlers call it on a worker thread;
 * implementations are thread-safe and must not block.
 *
 * <p>{@code kind} is one of {@code blob}, {@code manifest}, {@code outcome}, {@code have}, {@code
 * scrub}. {@code result} is a short lower-case word from a closed set per kind:
 *
 * <ul>
 *   <li>blob (once per request): {@code created}, {@code duplicate}, {@code mismatch}, {@code
 *       too_large}, {@code bad_request}, {@code refused}, {@code aborted} (the client went away
 *       mid-upload), {@code error};
 *   <li>manifest (once per request): {@code ok}, {@code bad_request}, {@code refused}, {@code
 *       error};
 *   <li>outcome: once per recorded line, {@code ok} or {@code failed}; or once per rejected
 *       request, {@code bad_request}, {@code mismatch}, {@code refused}, {@code error};
 *   <li>have (once per request): {@code ok}, {@code bad_request}, {@code error};
 *   <li>scrub: once per run, {@code ok}, {@code busy} (another scrub was running) or {@code error};
 *       plus one {@code corrupt} per corrupt blob found and one {@code missing} per recorded blob
 *       whose file was gone.
 * </ul>
 */
@FunctionalInterface
public interface IngestListener {
  /** Hears nothing. */
  IngestListener NONE = (kind, result) -> {};

  void outcome(String kind, String result);
}
