package org.distvault.prefetch.run;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distvault.prefetch.deliver.Attempt;
import org.distvault.prefetch.deliver.BlobUpload;
import org.distvault.prefetch.deliver.ContentRejectedException;
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
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one download job across its attempts: which URL is next, how often it was
 * retried, every failed attempt. Each attempt is a {@link HostTask} queued at the URL's host; a
 * failure queues the next attempt (same URL later, or the next URL) or finishes the job.
 *
 * <p>Two paths, chosen per attempt ({@link #streamable}): <b>streamed</b> (HTTP, HTTPS and
 * {@code file:} URLs of a job whose size and SHA-512 are known, into a destination that verifies,
 * i.e. the server) passes the body straight into the upload as it arrives, with no spool file and
 * no hashing here, and the server's answer is awaited on a delivery thread; <b>spooled</b> (FTP,
 * unknown size or SHA-512, a directory destination, and every later attempt of a job whose
 * streamed attempt broke off after sending part of a body) downloads into a spool file, hashes
 * and verifies it here and hands it to the run's {@link Deliveries}, which upload it.
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
  /** Schemes whose downloads may be streamed into the destination (see {@link #streamable}). */
  private static final Set<String> STREAMED_SCHEMES = Set.of("http", "https", "file");

  private int urlIndex;
  /** Set when a streamed attempt broke off mid-body: the job's later attempts go through the spool. */
  private boolean spoolFromNowOn;
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
    if (streamable(uri)) {
      Optional<BlobUpload> upload = ctx.sink().stream(job.size().getAsLong(), job.expected(), job.entries());
      if (upload.isPresent()) {
        attemptStreamed(uri, ticket, upload.get());
        return;
      }
    }
    attemptSpooled(uri, ticket);
  }

  /**
   * Whether this attempt streams its download straight into the destination, which verifies it:
   * the size and SHA-512 are known (the upload's length and name), the scheme is not FTP (a
   * stalled FTP transfer would hold an upload open on the server), and no earlier attempt of this
   * job broke off after sending part of a body (from then on each attempt is verified here before
   * anything more is sent).
   */
  private boolean streamable(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return !spoolFromNowOn && STREAMED_SCHEMES.contains(scheme) && job.size().isPresent()
        && job.expected().get(DigestAlgorithm.SHA512).isPresent();
  }

  /**
   * One attempt that passes the body on as it arrives, in this download slot: the destination
   * hashes it once, verifies Size and every expected digest, and stores and flushes it only when
   * all match. Once the whole body is sent the slot is free again, and a delivery thread waits for
   * the destination's answer ({@link #finishStreamed}); until the destination accepted one blob in
   * this run, the wait happens in the slot (as for spooled deliveries). A failed write to the
   * destination fails the delivery, not the download.
   */
  private void attemptStreamed(URI uri, HostTicket ticket, BlobUpload upload)
      throws InterruptedException, SinkUnavailableException {
    long[] sent = {0};
    OutputStream counted = new FilterOutputStream(upload) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        upload.write(b, off, len);
        sent[0] += len;
        ticket.bytes(len);
        ctx.progress().bytes(len);
      }
    };
    FetchResult result;
    try {
      result = ctx.fetcher().fetch(new FetchRequest(uri, job.name(), job.size()), counted);
    } catch (FetchFailure e) {
      upload.close();
      bytes += sent[0];
      if (upload.failure() != null) {
        deliveryFailed(upload.failure(), uri.toString());
        return;
      }
      if (sent[0] > 0) {
        spoolFromNowOn = true;
      }
      if (e.hostTrouble()) {
        ticket.trouble(e.retryAfter());
      }
      failed(uri.toString(), e);
      return;
    } catch (InterruptedException | RuntimeException e) {
      upload.close();
      throw e;
    }
    bytes += result.bytes();
    ticket.succeeded();
    if (!ctx.deliveries().accepted()) {
      finishStreamed(uri, result, upload);
      return;
    }
    try {
      ctx.deliveries().submit(() -> {
        try {
          finishStreamed(uri, result, upload);
        } catch (SinkUnavailableException e) {
          ctx.abort(e);
        }
      });
    } catch (InterruptedException | RuntimeException e) {
      upload.close();
      throw e;
    }
  }

  /**
   * Ends a streamed body and waits for the destination's answer: stored and durable (the job
   * succeeds), or a mismatch it found, which fails this attempt like one found in the spool (same
   * kind and message, naming the URL) and moves on to the next URL.
   */
  private void finishStreamed(URI uri, FetchResult result, BlobUpload upload) throws SinkUnavailableException {
    try (upload) {
      if (ctx.aborted()) {
        return; // the run is being torn down; abandon() reports this job
      }
      try {
        upload.finish();
      } catch (ContentRejectedException e) {
        failed(uri.toString(), FetchFailure.of(
            e.sizeMismatch() ? FailureKind.SIZE_MISMATCH : FailureKind.DIGEST_MISMATCH, e.getMessage() + " from " + uri));
        return;
      } catch (IOException e) {
        deliveryFailed(e, result.finalUrl().toString());
        return;
      }
      ctx.deliveries().markAccepted();
      succeed(result, job.expected().get(DigestAlgorithm.SHA512).orElseThrow());
    }
  }

  /** A delivery that failed: refused (the run stops, as for a spooled delivery) or final for this job. */
  private void deliveryFailed(IOException e, String url) throws SinkUnavailableException {
    if (e instanceof SinkUnavailableException refused) {
      fail("delivery refused: " + e.getMessage(), url);
      throw refused;
    }
    fail("delivery failed: " + e.getMessage(), url);
  }

  /** One attempt through a spool file: downloaded, hashed and verified here, then delivered. */
  private void attemptSpooled(URI uri, HostTicket ticket) throws InterruptedException, SinkUnavailableException {
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
      succeed(result, blob.sha512());
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

  private void succeed(FetchResult result, Digest sha512) throws SinkUnavailableException {
    List<Outcome> out = new ArrayList<>();
    for (ExpectedDistfile e : job.entries()) {
      out.add(new Outcome(e, Outcome.Status.OK, null, bytes, elapsed(), result.finalUrl().toString(), sha512,
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
