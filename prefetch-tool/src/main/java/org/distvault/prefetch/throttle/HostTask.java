package org.distvault.prefetch.throttle;

/** Work for one host, run by {@link HostScheduler} when the host and the global limit allow it. */
public interface HostTask {

  /**
   * Does the work on a worker thread that holds a global slot and a slot of the host; reports
   * bytes and the result to the host through {@code ticket}.
   */
  void run(HostTicket ticket) throws InterruptedException;

  /**
   * Called instead of {@link #run} when the host cannot be used in this run (it asked, by
   * Retry-After, to be left alone longer than the scheduler waits). Runs on a worker thread.
   */
  void hostUnavailable(String reason) throws InterruptedException;
}
