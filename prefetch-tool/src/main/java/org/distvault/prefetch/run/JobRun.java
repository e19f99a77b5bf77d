package org.distvault.prefetch.run;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distvault.prefetch.deliver.Attempt;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.fetch.FailureKind;
import org.distvault.prefetch.fetch.FetchFailure;
import org.distvault.prefetch.fetch.FetchRequest;
import org.distvault.prefetch.fetch.FetchResult;
import org.distvault.prefetch.fetch.Retry;
import org.distvault.prefetch.spool.SpoolFile;
import org.distvault.prefetch.spool.SpoolMismatchException;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.prefetch.throttle.HostKey;
import org.distvault.prefetch.throttle.HostTask;
import org.distvault.prefetch.throttle.HostTicket;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one download job across its attempts: which URL is next, how often it was
 * retried, every failed attempt. Each attempt is a {@link HostTask} queued at the URL's host; a
 * failure queues the next attempt (same URL later, or the next URL) or finishes the job. A
 * verified download is handed to the run's {@link Deliveries}, which upload it and finish the job.
 *
 * <p>Attempts of one job never overlap, and the delivery starts after the last attempt, so the
 * fields need no lock beyond the happens-before that the scheduler's queue and the delivery
 * executor give between one step and the next.
 */
final class JobRun {
  private static final Logger log = LoggerFactory.getLogger(JobRun.class);

  private final RunContext ctx;
  private final DownloadJob job;
  private final List<Integer> indexes;
  private final List<Attempt> attempts = new ArrayList<>();
  private int urlIndex;
  private int retries;
  private long bytes;
  private long startNanos;
  private volatile boolean done;

  JobRun(RunContext ctx, DownloadJob job, List<Integer> indexes) {
    this.ctx = ctx;
    this.job = job;
    this.indexes = List.copyOf(indexes);
  }

  boolean isDone() {
    return done;
  }

  /** The job's expected size, 0 when no entry states one. */
  long expectedSize() {
    return job.size().orElse(0);
  }

  /** Queues the first attempt, or fails at once when there is no URL. */
  void start() throws SinkUnavailableException {
    startNanos = System.nanoTime();
    if (job.urls().isEmpty()) {
      fail("no URL to fetch from");
      return;
    }
    submit();
  }

  private void submit() throws SinkUnavailableException {
    String url = job.urls().get(urlIndex);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      failed(url, FetchFailure.of(FailureKind.PROTOCOL, "bad URL " + url + ": " + e.getMessage()));
      return;
    }
    ctx.scheduler().submit(HostKey.of(uri), new AttemptTask(uri));
  }

  /** Marks a job that never got to finish (run aborted or interrupted). */
  void abandon(String reason) throws SinkUnavailableException {
    if (!done) {
      fail(reason);
    }
  }

  private final class AttemptTask implements HostTask {
    private final URI uri;

    AttemptTask(URI uri) {
      this.uri = uri;
    }

    @Override
    public void run(HostTicket ticket) throws InterruptedException {
      if (ctx.aborted()) {
        return; // the run is being torn down; abandon() reports this job
      }
      try {
        attempt(uri, ticket);
      } catch (SinkUnavailableException e) {
        ctx.abort(e);
      }
    }

    @Override
    public void hostUnavailable(String reason) {
      try {
        failed(uri.toString(), FetchFailure.of(FailureKind.RATE_LIMITED, reason, Retry.NEXT_URL));
      } catch (SinkUnavailableException e) {
        ctx.abort(e);
      }
    }
  }

  private void attempt(URI uri, HostTicket ticket) throws InterruptedException, SinkUnavailableException {
    VerifiedBlob blob;
    FetchResult result;
    try (SpoolFile f = ctx.spool().create(job.expected().algorithms())) {
      f.onBytes(n -> {
        ticket.bytes(n);
        ctx.progress().bytes(n);
      });
      try {
        result = ctx.fetcher().fetch(new FetchRequest(uri, job.name(), job.size()), f);
        bytes += result.bytes();
        blob = f.verify(job.size(), job.expected());
      } catch (FetchFailure e) {
        bytes += f.size();
        if (e.hostTrouble()) {
          ticket.trouble(e.retryAfter());
        }
        failed(uri.toString(), e);
        return;
      } catch (SpoolMismatchException e) {
        ticket.succeeded(); // the host delivered quickly; the content is wrong, not the host's health
        failed(uri.toString(), FetchFailure.of(
            e.getMessage().startsWith("size") ? FailureKind.SIZE_MISMATCH : FailureKind.DIGEST_MISMATCH,
            e.getMessage() + " from " + uri));
        return;
      }
      ticket.succeeded();
      f.handOver(blob);
    } catch (SinkUnavailableException e) {
      throw e; // from recording a failure: not a spool fault
    } catch (IOException e) {
      // Creating or closing the spool file failed: a local fault no other URL can fix.
      failed(uri.toString(), FetchFailure.of(FailureKind.LOCAL_IO, "spool: " + e.getMessage()));
      return;
    }
    if (!ctx.deliveries().accepted()) {
      // Until the sink accepted one blob, deliver in this slot: a server that refuses uploads
      // (offline, full) then stops the run after one download, not after a slot's worth each.
      deliver(result, blob);
      return;
    }
    // The download slot is released when this returns; the upload goes on in the background.
    // Blocks while the deliveries are backed up, which holds the downloads back with them.
    try {
      ctx.deliveries().submit(() -> deliver(result, blob));
    } catch (InterruptedException | RuntimeException e) {
      deleteQuietly(blob);
      throw e;
    }
  }

  /**
   * Uploads a verified blob and finishes the job; runs on a delivery thread (or, for the first
   * deliveries of a run, in the download slot). A delivery failure is final: another URL would
   * give the same verified bytes.
   */
  private void deliver(FetchResult result, VerifiedBlob blob) {
    try {
      if (ctx.aborted()) {
        return; // the run is being torn down; abandon() reports this job
      }
      String url = result.finalUrl().toString();
      try {
        ctx.sink().put(blob, job.entries());
        ctx.deliveries().markAccepted();
      } catch (SinkUnavailableException e) {
        fail("delivery refused: " + e.getMessage(), url);
        throw e;
      } catch (IOException e) {
        fail("delivery failed: " + e.getMessage(), url);
        return;
      }
      succeed(result, blob);
    } catch (SinkUnavailableException e) {
      ctx.abort(e);
    } finally {
      deleteQuietly(blob);
    }
  }

  /** Deletes a delivered (or undeliverable) spool file; a leftover is removed by the next run. */
  private static void deleteQuietly(VerifiedBlob blob) {
    try {
      Files.deleteIfExists(blob.file());
    } catch (IOException e) {
      log.warn("could not delete spool file {}: {}", blob.file(), e.getMessage());
    }
  }

  private void failed(String url, FetchFailure e) throws SinkUnavailableException {
    attempts.add(new Attempt(url, e.reason(), e.kind(), e.retry()));
    if (e.retry() == Retry.RETRY_HOST_LATER && retries < ctx.config().retriesPerUrl()) {
      retries++;
      submit();
      return;
    }
    if (e.retry() != Retry.PERMANENT && urlIndex + 1 < job.urls().size()) {
      urlIndex++;
      retries = 0;
      submit();
      return;
    }
    fail(reason());
  }

  /** The last error of each URL tried, so the one-line reason covers every site. */
  private String reason() {
    Map<String, String> lastByUrl = new LinkedHashMap<>();
    for (Attempt a : attempts) {
      lastByUrl.remove(a.url());
      lastByUrl.put(a.url(), a.error());
    }
    if (lastByUrl.size() == 1) {
      return lastByUrl.values().iterator().next();
    }
    return "all " + lastByUrl.size() + " URLs failed: " + String.join("; ", lastByUrl.values());
  }

  private void fail(String reason) throws SinkUnavailableException {
    String last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).url();
    fail(reason, last);
  }

  private void fail(String reason, String url) throws SinkUnavailableException {
    List<Outcome> out = new ArrayList<>();
    for (ExpectedDistfile e : job.entries()) {
      out.add(new Outcome(e, Outcome.Status.FAILED, reason, bytes, elapsed(), url, null, attempts));
    }
    finish(out);
  }

  private void succeed(FetchResult result, VerifiedBlob blob) throws SinkUnavailableException {
    List<Outcome> out = new ArrayList<>();
    for (ExpectedDistfile e : job.entries()) {
      out.add(new Outcome(e, Outcome.Status.OK, null, bytes, elapsed(), result.finalUrl().toString(), blob.sha512(),
          attempts));
    }
    finish(out);
  }

  private void finish(List<Outcome> out) throws SinkUnavailableException {
    done = true;
    ctx.recorder().finished(indexes, out);
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
