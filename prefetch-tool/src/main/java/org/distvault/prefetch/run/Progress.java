package org.distvault.prefetch.run;

import org.distvault.prefetch.deliver.Outcome;

/**
 * Receives a run's progress. Implementations are thread-safe: workers report concurrently.
 */
public interface Progress {

  /** The run starts with {@code files} distfiles to fetch, {@code bytes} of known size in total. */
  void start(int files, long bytes);

  /** {@code n} more bytes arrived (from any transfer, including ones that later fail). */
  void bytes(long n);

  /** One distfile finished (ok or failed). */
  void finished(Outcome outcome);

  /** The run ended; print a last line and stop any timer. */
  void end();

  /** A progress that shows nothing. */
  static Progress none() {
    return new Progress() {
      @Override
      public void start(int files, long bytes) {}

      @Override
      public void bytes(long n) {}

      @Override
      public void finished(Outcome outcome) {}

      @Override
      public void end() {}
    };
  }
}
