package org.distvault.prefetch.run;

import org.distvault.prefetch.deliver.BlobSink;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.fetch.Fetcher;
import org.distvault.prefetch.spool.Spool;
import org.distvault.prefetch.throttle.HostScheduler;

/** What every {@link JobRun} of one run shares. */
interface RunContext {
  PrefetchConfig config();

  Fetcher fetcher();

  BlobSink sink();

  Spool spool();

  HostScheduler scheduler();

  OutcomeRecorder recorder();

  Progress progress();

  /** Uploads verified blobs in the background of the downloads. */
  Deliveries deliveries();

  /** Whether the run is being stopped because the destination refuses deliveries. */
  boolean aborted();

  /** Stops the run: the destination refuses deliveries. */
  void abort(SinkUnavailableException cause);
}
