package org.distvault.server.readthrough;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.prefetch.fetch.FetchFailure;
import org.distvault.prefetch.fetch.FetchRequest;
import org.distvault.prefetch.fetch.Fetcher;
import org.distvault.prefetch.manifest.UpstreamUrls;
import org.distvault.storage.blob.BlobTooLargeException;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.SizeMismatchException;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantRef;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online read-through: fetches a catalogued variant the cache does not hold from its upstream
 * URLs, verified before anything is stored or served.
 *
 * <p>The download streams through {@link Vault#newWriter} with the variant's size and digests as
 * the expectation, so the bytes land in {@code DATA/tmp/} and become a blob only if every digest
 * matches. URLs are tried in order (each once: a request is waiting); on success the variant is
 * bound and an ok {@link PrefetchOutcome} recorded, and when every URL failed a failed outcome
 * carries the reasons of all attempts, so a later offline violation says why. Only {@code http},
 * {@code https} and {@code ftp} URLs are used: a manifest's {@code file://} URL is for importing a
 * DISTDIR with the prefetch tool, not for the server to read local files.
 *
 * <p><b>Single flight.</b> Requests for the same content (the variant's strongest digest) share
 * one download: the first starts it, later ones wait for the same result, and a waiter for
 * another variant with that content has its own variant bound from the shared blob. At most
 * {@link ReadThroughSettings#maxConcurrent()} downloads run at once (a fixed pool of threads),
 * {@link ReadThroughSettings#maxQueued()} wait for a slot, and a request waits at most {@link
 * ReadThroughSettings#waitTimeout()} (the download goes on and serves the next request).
 *
 * <p><b>Warning:</b> this class opens outbound connections. Construct it only for online mode: the
 * offline miss policy must hold no reference to it, which is what guarantees that a sealed cache
 * never contacts an upstream.
 *
 * <p>Thread-safe. The owner closes it, before closing the vault.
 */
public final class UpstreamReadThrough implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UpstreamReadThrough.class);
  /** The result of a download that ended after the cache was sealed: the seal does not hold it. */
  static final String SEALED_MEANWHILE = "the set was sealed (or the server went offline) during the download:"
      + " nothing was bound";
  private static final List<DigestAlgorithm> STRENGTH =
      List.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA256,
          DigestAlgorithm.RMD160, DigestAlgorithm.SHA1);

  private final Vault vault;
  private final Fetcher fetcher;
  private final ReadThroughSettings settings;
  private final Clock clock;
  private final ReadThroughListener listener;
  private final ThreadPoolExecutor downloads;
  private final ScheduledExecutorService watchdog;
  private final Map<Digest, Flight> inFlight = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** One download in progress, shared by every request for its content; the leader's set binds it first. */
  private record Flight(SetName set, VariantRef leader, CompletableFuture<ReadThroughResult> result) {}

  /**
   * @param fetcher the prefetch tool's downloader, e.g. {@code SchemeFetcher.standard(settings,
   *     clock)}; its connect and idle timeouts apply to every attempt
   * @param clock times the recorded outcomes
   */
  public UpstreamReadThrough(
      Vault vault, Fetcher fetcher, ReadThroughSettings settings, Clock clock,
      ReadThroughListener listener) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.downloads =
        new ThreadPoolExecutor(settings.maxConcurrent(), settings.maxConcurrent(), 0,
            TimeUnit.MILLISECONDS, settings.maxQueued() == 0
                ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(settings.maxQueued()),
            daemonThreads("read-through-"));
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("read-through-watchdog-"));
  }

  /**
   * Fetches the content of {@code variant} (a variant of {@code name} that is not bound) unless
   * the cache holds it already, and binds it. Blocks until the shared download ends or the wait
   * times out.
   *
   * @return the verified blob, or why there is none: no digest to verify against, no usable URL,
   *     every URL failed, too many downloads waiting, or still downloading after the wait
   */
  public ReadThroughResult fetch(DistfileName name, Variant variant) {
    return fetch(vault.defaultSet(), name, variant);
  }

  /**
   * As {@link #fetch(DistfileName, Variant)}, binding in {@code set} (a variant of that set): a
   * download shared with a request of another set binds the blob in each request's own set.
   */
  public ReadThroughResult fetch(SourceSet set, DistfileName name, Variant variant) {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(variant, "variant");
    if (closed.get()) {
      return ReadThroughResult.failed("the server is shutting down");
    }
    Optional<Digest> key = strongest(variant);
    if (key.isEmpty()) {
      return ReadThroughResult.failed("its manifest entry lists no digest, so content fetched"
          + " from upstream could not be verified");
    }
    if (variant.urls().isEmpty()) {
      return ReadThroughResult.failed("no upstream URL is known for it");
    }
    VariantRef ref = new VariantRef(name, variant.id());
    Flight mine = new Flight(set.name(), ref, new CompletableFuture<>());
    Flight flight = inFlight.putIfAbsent(key.get(), mine);
    if (flight == null) {
      flight = mine;
      start(key.get(), mine, set, name, variant);
    }
    ReadThroughResult result = await(flight);
    if (!flight.leader().equals(ref) || !flight.set().equals(set.name())) {
      return follow(set, ref, result);
    }
    return result;
  }

  private void start(Digest key, Flight flight, SourceSet set, DistfileName name, Variant variant) {
    try {
      downloads.execute(() -> lead(key, flight, set, name, variant));
    } catch (RejectedExecutionException e) {
      inFlight.remove(key, flight);
      flight.result().complete(ReadThroughResult.failed(closed.get()
          ? "the server is shutting down"
          : "too many upstream fetches waiting (" + settings.maxQueued() + "); try again later"));
    }
  }

  /** Runs one shared download on a pool thread and hands its result to every waiter. */
  private void lead(Digest key, Flight flight, SourceSet set, DistfileName name, Variant variant) {
    Thread self = Thread.currentThread();
    ScheduledFuture<?> stop = watchdog.schedule(
        self::interrupt, settings.maxFetchTime().toMillis(), TimeUnit.MILLISECONDS);
    ReadThroughResult result;
    try {
      result = download(set, flight.leader(), name, variant);
    } catch (FrozenException e) {
      log.warn("read-through of {}: sealed while fetching, nothing bound: {}", flight.leader(), e.getMessage());
      result = ReadThroughResult.failed(SEALED_MEANWHILE);
    } catch (RuntimeException e) {
      log.error("read-through of {} failed", flight.leader(), e);
      result = ReadThroughResult.failed("internal error: " + e);
    } finally {
      stop.cancel(false);
      Thread.interrupted(); // a watchdog that fired just as the download ended
    }
    inFlight.remove(key, flight);
    flight.result().complete(result);
  }

  private ReadThroughResult download(SourceSet set, VariantRef ref, DistfileName name, Variant variant) {
    Optional<StoredBlob> held = bindHeld(set, ref, variant);
    if (held.isPresent()) {
      return ReadThroughResult.fetched(held.get()); // e.g. uploaded while this request queued
    }
    Expectation expectation = new Expectation(variant.size(), variant.digests(), Set.of());
    List<String> reasons = new ArrayList<>();
    String lastUrl = null;
    for (String url : variant.urls()) {
      Optional<URI> uri = usable(url, reasons);
      if (uri.isEmpty()) {
        continue;
      }
      lastUrl = url;
      try (Vault.RecordingWriter w = vault.newWriter(expectation)) {
        fetcher.fetch(new FetchRequest(uri.get(), name, variant.size()), w);
        StoredBlob blob = w.commit();
        String from = url;
        set.unlessFrozen("bind", () -> {
          set.bind(ref, blob.sha512());
          set.recordOutcome(ref, PrefetchOutcome.ok(clock.instant(), from));
        });
        log.info("read-through: {} fetched from {} ({} bytes) into {}", ref, url, blob.size(), set);
        listener.fetched("ok");
        return ReadThroughResult.fetched(blob);
      } catch (FetchFailure e) {
        if (Thread.currentThread().isInterrupted()) {
          // The watchdog (or close) interrupted a write to DATA/tmp; not the upstream's fault.
          return stopped(set, ref, url, reasons);
        }
        reasons.add(e.reason());
      } catch (DigestMismatchException | SizeMismatchException | BlobTooLargeException e) {
        reasons.add(e.getMessage() + " from " + url);
      } catch (IOException e) {
        reasons.add("cannot store it: " + e.getMessage());
        break; // a local fault: the next URL would meet it too
      } catch (InterruptedException e) {
        return stopped(set, ref, url, reasons);
      }
    }
    return failed(set, ref, reasons, lastUrl);
  }

  /** The download was interrupted: by close (nothing recorded) or by the watchdog (a failure). */
  private ReadThroughResult stopped(SourceSet set, VariantRef ref, String url, List<String> reasons) {
    Thread.interrupted();
    if (closed.get()) {
      return ReadThroughResult.failed("the server is shutting down");
    }
    reasons.add("stopped after " + settings.maxFetchTime() + " while fetching " + url);
    return failed(set, ref, reasons, url);
  }

  /** Records that every URL failed, with all their reasons. */
  private ReadThroughResult failed(SourceSet set, VariantRef ref, List<String> reasons, String lastUrl) {
    String reason = String.join("; ", reasons);
    log.warn("read-through: {} could not be fetched into {}: {}", ref, set, reason);
    set.recordOutcome(ref, PrefetchOutcome.failed(reason, clock.instant(), lastUrl));
    listener.fetched("failed");
    return ReadThroughResult.failed(reason);
  }

  /** Binds the variant to a held blob with its content, if there is one. */
  private Optional<StoredBlob> bindHeld(SourceSet set, VariantRef ref, Variant variant) {
    for (BlobRecord b : vault.blobsByDigest(strongest(variant).orElseThrow())) {
      if (!vault.holds(b.sha512())) {
        continue;
      }
      try {
        set.bind(ref, b.sha512()); // refuses a blob that does not satisfy the variant
      } catch (IllegalArgumentException e) {
        continue;
      }
      return Optional.of(new StoredBlob(b.sha512(), b.size(), b.digests(),
          vault.file(b.sha512()).orElseThrow()));
    }
    return Optional.empty();
  }

  /**
   * A waiter for another variant with the same content, or for the same one in another set: binds
   * its own variant, in its own set, from the result.
   */
  private ReadThroughResult follow(SourceSet set, VariantRef ref, ReadThroughResult shared) {
    if (shared.blob().isEmpty()) {
      return shared;
    }
    StoredBlob blob = shared.blob().get();
    try {
      set.bind(ref, blob.sha512());
    } catch (FrozenException e) {
      return ReadThroughResult.failed(SEALED_MEANWHILE);
    } catch (IllegalArgumentException e) {
      return ReadThroughResult.failed(
          "content fetched for the same digest does not satisfy " + ref + ": " + e.getMessage());
    }
    return shared;
  }

  private ReadThroughResult await(Flight flight) {
    try {
      return flight.result().get(settings.waitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return ReadThroughResult.failed("still downloading from upstream after "
          + settings.waitTimeout() + "; try again later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ReadThroughResult.failed("interrupted while waiting for the upstream fetch");
    } catch (ExecutionException e) {
      // Never completed exceptionally (lead catches everything); kept for the compiler.
      return ReadThroughResult.failed("internal error: " + e.getCause());
    }
  }

  /** The URL as a URI if read-through may use it; otherwise notes why not. */
  private static Optional<URI> usable(String url, List<String> reasons) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      reasons.add("bad URL " + url + ": " + e.getMessage());
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!UpstreamUrls.NETWORK_SCHEMES.contains(scheme)) {
      reasons.add("read-through does not fetch " + (scheme.isEmpty() ? "relative" : scheme)
          + " URLs: " + url);
      return Optional.empty();
    }
    return Optional.of(uri);
  }

  private static Optional<Digest> strongest(Variant v) {
    for (DigestAlgorithm a : STRENGTH) {
      Optional<Digest> d = v.digests().get(a);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  /**
   * Stops every download (their temp files are discarded, nothing is recorded) and answers every
   * waiter. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    downloads.shutdownNow();
    watchdog.shutdownNow();
    try {
      if (!downloads.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("read-through downloads still running 30 s after shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Flights still queued never ran: release their waiters.
    inFlight.values().forEach(f ->
        f.result().complete(ReadThroughResult.failed("the server is shutting down")));
    inFlight.clear();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
