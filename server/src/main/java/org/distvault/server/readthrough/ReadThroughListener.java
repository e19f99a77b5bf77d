package org.distvault.server.readthrough;

/**
 * Hears each upstream download read-through finished, for metrics: {@code result} is {@code ok}
 * (verified, stored and bound) or {@code failed} (every URL failed; the reason was recorded as the
 * variant's prefetch outcome). Requests that shared a download are not counted again. Called on a
 * read-through thread; implementations are thread-safe and do not block.
 */
@FunctionalInterface
public interface ReadThroughListener {
  ReadThroughListener NONE = result -> {};

  void fetched(String result);
}
