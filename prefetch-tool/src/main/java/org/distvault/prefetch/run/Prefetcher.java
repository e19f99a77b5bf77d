package org.distvault.prefetch.run;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.deliver.BlobSink;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.fetch.Fetcher;
import org.distvault.prefetch.spool.Spool;
import org.distvault.prefetch.throttle.HostScheduler;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prefetch run: plan, download, verify, deliver, report.
 *
 * <ol>
 *   <li>Locks the work directory and removes unverified spool files of a killed run.
 *   <li>Asks the destination, in one batched {@link BlobSink#have} call, which entries it holds.
 *   <li>Plans one download per content for the rest ({@link Planner}).
 *   <li>Downloads, largest first, through the {@link HostScheduler} (global and per-host limits), verifying size
 *       and every digest while streaming into the spool; tries the next URL on failure.
 *   <li>Delivers each verified blob as soon as it is verified, on delivery threads of their own
 *       ({@link Deliveries}) so that downloads go on meanwhile; a killed run loses no verified
 *       work that was delivered, and a rerun skips it.
 * </ol>
 *
 * <p>One instance runs one prefetch at a time.
 */
public final class Prefetcher {
  private static final Logger log = LoggerFactory.getLogger(Prefetcher.class);

  private final PrefetchConfig config;
  private final Fetcher fetcher;
  private final BlobSink sink;
  private final Progress progress;
  private final Clock clock;

  public Prefetcher(PrefetchConfig config, Fetcher fetcher, BlobSink sink, Progress progress, Clock clock) {
    this.config = config;
    this.fetcher = fetcher;
    this.sink = sink;
    this.progress = progress;
    this.clock = clock;
  }

  /**
   * Runs the prefetch of {@code entries}.
   *
   * @return one outcome per entry, in order; {@link PrefetchReport#result()} says whether anything failed
   * @throws SinkUnavailableException when the destination cannot even answer which entries it holds
   * @throws IOException when the work directory cannot be locked or prepared
   * @throws InterruptedException when the calling thread is interrupted; transfers are stopped
   */
  public PrefetchReport run(List<ExpectedDistfile> entries) throws IOException, InterruptedException {
    return run(entries, Optional.empty());
  }

  /**
   * As {@link #run(List)}, with what the destination holds already known (bit {@code i} for
   * {@code entries.get(i)}), e.g. from the manifest upload's answer; empty: ask {@link BlobSink#have}.
   */
  public PrefetchReport run(List<ExpectedDistfile> entries, Optional<BitSet> held)
      throws IOException, InterruptedException {
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    try (Spool spool = Spool.open(config.workDir())) {
      BitSet present = held.isPresent() ? held.get() : sink.have(entries);
      OutcomeRecorder recorder = new OutcomeRecorder(entries.size(), sink, config.outcomeBatch(), progress);
      List<ExpectedDistfile> missing = new ArrayList<>();
      List<Integer> missingIndex = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        ExpectedDistfile e = entries.get(i);
        if (present.get(i)) {
          recorder.present(i, Outcome.present(e));
        } else {
          missing.add(e);
          missingIndex.add(i);
        }
      }
      List<DownloadJob> jobs = Planner.plan(missing);
      log.info("{} entries: {} present, {} to fetch in {} download(s)", entries.size(),
          entries.size() - missing.size(), missing.size(), jobs.size());

      // Twice --jobs uploads at once: each waits for the server's disk flushes (file, directory,
      // catalog), and concurrent uploads share them, so more in flight means more per second.
      int uploads = 2 * config.throttle().jobs();
      Context ctx = new Context(spool, recorder, new HostScheduler(config.throttle(), clock),
          new Deliveries(uploads, 2 * uploads));
      List<JobRun> runs = new ArrayList<>(jobs.size());
      for (DownloadJob job : jobs) {
        List<Integer> idx = new ArrayList<>();
        for (int position : job.positions()) {
          idx.add(missingIndex.get(position));
        }
        runs.add(new JobRun(ctx, job, idx));
      }
      progress.start(missing.size(), jobs.stream().mapToLong(j -> j.size().orElse(0)).sum());
      try {
        execute(ctx, runs);
      } finally {
        progress.end();
      }
      return new PrefetchReport(started, Duration.ofNanos(System.nanoTime() - startNanos), spool.cleanedAtOpen(),
          recorder.all(), recorder.errors());
    }
  }

  /**
   * Plans the prefetch of {@code entries} without downloading: one batched {@link BlobSink#have}
   * call, then the downloads for what is missing, deduplicated by content as {@link #run} does.
   *
   * @throws SinkUnavailableException when the destination cannot answer which entries it holds
   */
  public PrefetchPlan plan(List<ExpectedDistfile> entries) throws IOException {
    return plan(entries, Optional.empty());
  }

  /** As {@link #plan(List)}, with what the destination holds already known, as {@link #run(List, Optional)}. */
  public PrefetchPlan plan(List<ExpectedDistfile> entries, Optional<BitSet> held) throws IOException {
    BitSet present = held.isPresent() ? held.get() : sink.have(entries);
    List<ExpectedDistfile> missing = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!present.get(i)) {
        missing.add(entries.get(i));
      }
    }
    List<DownloadJob> jobs = Planner.plan(missing);
    return new PrefetchPlan(entries.size(), entries.size() - missing.size(), missing.size(), jobs.size(),
        jobs.stream().mapToLong(j -> j.size().orElse(0)).sum());
  }

  private void execute(Context ctx, List<JobRun> runs) throws InterruptedException {
    try {
      // Largest first: the long transfers (bound by hashing and bandwidth) then run beside the
      // many small ones (bound by the server's flushes), instead of all starting at the end.
      List<JobRun> order = new ArrayList<>(runs);
      order.sort(Comparator.comparingLong(JobRun::expectedSize).reversed());
      for (JobRun r : order) {
        if (ctx.aborted()) {
          break;
        }
        r.start();
      }
      ctx.scheduler().runAll();
      ctx.deliveries().awaitAll(); // every job is finished, or was never delivered after an abort
    } catch (SinkUnavailableException e) {
      ctx.abort(e);
      ctx.deliveries().awaitAll();
    } catch (InterruptedException e) {
      ctx.deliveries().close();
      abandon(ctx, runs, "interrupted");
      throw e;
    } finally {
      ctx.deliveries().close();
    }
    String why = ctx.abortReason();
    abandon(ctx, runs, why == null ? "not attempted" : "not attempted: run aborted: " + why);
    try {
      ctx.recorder().flush();
    } catch (SinkUnavailableException e) {
      log.warn("outcomes not recorded: {}", e.getMessage());
    }
  }

  private static void abandon(Context ctx, List<JobRun> runs, String reason) {
    for (JobRun r : runs) {
      try {
        r.abandon(reason);
      } catch (SinkUnavailableException e) {
        ctx.abort(e); // already stopping: the outcome is kept in the report regardless
      }
    }
  }

  /** The shared state of one run. */
  private final class Context implements RunContext {
    private final Spool spool;
    private final OutcomeRecorder recorder;
    private final HostScheduler scheduler;
    private final Deliveries deliveries;
    private volatile String abortReason;

    Context(Spool spool, OutcomeRecorder recorder, HostScheduler scheduler, Deliveries deliveries) {
      this.spool = spool;
      this.recorder = recorder;
      this.scheduler = scheduler;
      this.deliveries = deliveries;
    }

    @Override
    public PrefetchConfig config() {
      return config;
    }

    @Override
    public Fetcher fetcher() {
      return fetcher;
    }

    @Override
    public BlobSink sink() {
      return sink;
    }

    @Override
    public Spool spool() {
      return spool;
    }

    @Override
    public HostScheduler scheduler() {
      return scheduler;
    }

    @Override
    public OutcomeRecorder recorder() {
      return recorder;
    }

    @Override
    public Progress progress() {
      return progress;
    }

    @Override
    public Deliveries deliveries() {
      return deliveries;
    }

    @Override
    public boolean aborted() {
      return abortReason != null;
    }

    String abortReason() {
      return abortReason;
    }

    @Override
    public synchronized void abort(SinkUnavailableException cause) {
      if (abortReason == null) {
        abortReason = cause.getMessage();
        log.error("stopping the run: the destination refuses deliveries: {}", cause.getMessage());
        recorder.addError("destination unavailable: " + cause.getMessage());
        scheduler.cancel();
      }
    }
  }
}
