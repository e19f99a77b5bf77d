package org.distvault.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import org.distvault.server.health.Condition;
import org.distvault.server.health.Health;
import org.distvault.server.http.ConnectionGate;
import org.distvault.server.http.RequestObserver;
import org.distvault.server.http.RouteKind;
import org.distvault.server.mode.Mode;
import org.distvault.server.replica.SealFollower;
import org.distvault.server.trap.TrapObserver;
import org.distvault.server.trap.TrapOutcome;
import org.distvault.server.trap.TunnelResult;
import org.distvault.server.violation.ViolationKind;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.s3.CacheTier;

/**
 * Every metric distvault exports, and the only place that names them. Meters are registered on
 * the injected registry when this is built; nothing here is static.
 *
 * <p>Labels stay bounded: route families, outcomes, kinds and states come from closed sets;
 * distfile names, clients and PKGPATHs are never labels. Ingest labels from callers are checked
 * against {@code [a-z_-]{1,32}} and replaced by {@code other} otherwise.
 *
 * <p>Thread-safe. {@link #close} releases the JVM GC listener.
 */
public final class ServerMetrics implements RequestObserver, AutoCloseable {
  private static final Pattern LABEL = Pattern.compile("[a-z_-]{1,32}");
  private static final int STATUS_SLOTS = 1000;

  private final MeterRegistry registry;
  private final Counter bytesServed;
  private final Counter scrubCorrupt;
  private final AtomicLong lastScrubSeconds = new AtomicLong();
  private final AtomicLong lastBackupSeconds = new AtomicLong();
  private final AtomicLong gcGarbageBytes = new AtomicLong();
  private final AtomicLong lastGcSeconds = new AtomicLong();
  private final AtomicLong liveOverMaxSize = new AtomicLong();
  private final Counter gcFreed;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  /** {@link #requests} by route and status (0 to 999; others are looked up each time). */
  private final AtomicReferenceArray<Counter> requestCounters =
      new AtomicReferenceArray<>(RouteKind.values().length * STATUS_SLOTS);
  private final AtomicReferenceArray<Timer> durationTimers = new AtomicReferenceArray<>(RouteKind.values().length);
  /** {@link #violations} by kind, registered on first use (a flood of misses counts one per miss). */
  private final AtomicReferenceArray<Counter> violationCounters =
      new AtomicReferenceArray<>(ViolationKind.values().length);

  /**
   * Registers every meter.
   *
   * @param stats the catalog counts, read at each scrape (cheap: kept in memory)
   * @param mode the mode in force, read at each scrape
   */
  public ServerMetrics(MeterRegistry registry, Supplier<StoreStats> stats, Supplier<Mode> mode) {
    this.registry = Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(mode, "mode");
    bytesServed = Counter.builder("distvault.bytes.served")
        .description("Response body bytes sent on the serving routes (distfiles, pkg, by_hash)")
        .register(registry);
    scrubCorrupt = Counter.builder("distvault.scrub.corrupt")
        .description("Blobs a scrub found corrupt (quarantined and dropped from the catalog)")
        .register(registry);
    Gauge.builder("distvault.last.scrub.timestamp", lastScrubSeconds, AtomicLong::doubleValue)
        .description("When the last scrub finished, in Unix seconds, also one of an earlier run (0: never)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("distvault.last.backup.timestamp", lastBackupSeconds, AtomicLong::doubleValue)
        .description("The point in time of the last successful backup, in Unix seconds, also one of an earlier run"
            + " (0: never)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("distvault.gc.garbage", gcGarbageBytes, AtomicLong::doubleValue)
        .description("Garbage bytes (blobs nothing keeps live) left by the last garbage collection")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("distvault.gc.last.run.timestamp", lastGcSeconds, AtomicLong::doubleValue)
        .description("When the last garbage collection finished, in Unix seconds (0: none since start)")
        .baseUnit("seconds")
        .register(registry);
    gcFreed = Counter.builder("distvault.gc.freed")
        .description("Bytes of garbage blobs deleted by garbage collections")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("distvault.live.bytes.over.max.size", liveOverMaxSize, AtomicLong::doubleValue)
        .description("1 when the live blobs alone exceed serve --max-size (nothing live is deleted), else 0")
        .register(registry);
    for (Mode m : Mode.values()) {
      Gauge.builder("distvault.mode", () -> mode.get() == m ? 1 : 0)
          .description("1 for the mode in force, 0 for the others")
          .tag("mode", m.wireName())
          .register(registry);
    }
    statsGauge("distvault.blobs", "Verified blobs stored", stats, StoreStats::blobs);
    statsGauge("distvault.blob.bytes", "Total size of the stored blobs in bytes", stats, StoreStats::blobBytes);
    distfilesGauge("present", stats, StoreStats::present);
    distfilesGauge("missing", stats, StoreStats::missing);
    distfilesGauge("failed", stats, StoreStats::failed);
    for (ViolationKind k : ViolationKind.values()) {
      violations(k);
    }
    for (String result : new String[] {"ok", "failed"}) {
      upstreamFetch(result);
    }
    for (String[] kr : new String[][] {{"blob", "created"}, {"blob", "duplicate"}, {"blob", "mismatch"}}) {
      ingest(kr[0], kr[1]);
    }
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * Counts one finished request: {@code distvault_requests_total{route,outcome}}, its duration
   * and the bytes of a blob sent as its body.
   */
  @Override
  public void completed(RouteKind route, int status, long blobBytes, long nanos) {
    requests(route, status).increment();
    duration(route).record(nanos, TimeUnit.NANOSECONDS);
    if (blobBytes > 0) {
      bytesServed.increment(blobBytes);
    }
  }

  /**
   * The request counter of a route and status, registered on first use and then kept: looking a
   * meter up through its builder costs more than the rest of a small hit's bookkeeping.
   */
  private Counter requests(RouteKind route, int status) {
    Supplier<Counter> register = () -> Counter.builder("distvault.requests")
        .description("HTTP requests by route family and outcome")
        .tags("route", route.label(), "outcome", outcome(route, status))
        .register(registry);
    if (status < 0 || status >= STATUS_SLOTS) {
      return register.get();
    }
    return kept(requestCounters, route.ordinal() * STATUS_SLOTS + status, register);
  }

  /** The request duration timer of a route, registered on first use and then kept. */
  private Timer duration(RouteKind route) {
    return kept(durationTimers, route.ordinal(), () -> Timer.builder("distvault.request.duration")
        .description("Time from the request reaching distvault to the end of its response")
        .tag("route", route.label())
        .serviceLevelObjectives(
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(600))
        .register(registry));
  }

  /**
   * The meter kept in {@code cache} at {@code slot}, registered on first use. Two threads may both
   * register it first: the registry gives both the same meter.
   */
  private static <M> M kept(AtomicReferenceArray<M> cache, int slot, Supplier<M> register) {
    M meter = cache.get(slot);
    if (meter == null) {
      meter = register.get();
      cache.set(slot, meter);
    }
    return meter;
  }

  /** The outcome label of a status: what it means on that route family. */
  static String outcome(RouteKind route, int status) {
    if (route.serving()) {
      switch (status) {
        case 200: return "hit";
        case 206: return "partial";
        case 304: return "not_modified";
        case 404: return "miss";
        case 416: return "range_not_satisfiable";
        default: break;
      }
    }
    if (status >= 200 && status < 300) {
      return "ok";
    }
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "too_large";
      case 422 -> "unprocessable";
      case 501 -> "not_implemented";
      case 503 -> "unavailable";
      case 507 -> "insufficient_storage";
      default -> status >= 500 ? "error" : "other";
    };
  }

  /**
   * Counts a blob backend failure met while serving (the bucket of {@code --blob-store} could not
   * be read): {@code distvault_backend_errors_total{op}}, {@code op} as the backend names it
   * ({@code get}, {@code head}, ...).
   */
  public void backendError(String op) {
    backendErrors(op).increment();
  }

  private Counter backendErrors(String op) {
    return Counter.builder("distvault.backend.errors")
        .description("Blob backend operations that failed (unreachable, too slow, an error answer, corrupt bytes)")
        .tag("op", op)
        .register(registry);
  }

  /**
   * Exports the local cache tier of an S3 blob store ({@code --cache-dir}, {@code --cache-size}):
   * {@code distvault_cache_tier_hits_total} (lookups answered from a local file, no request to the
   * bucket), {@code distvault_cache_tier_misses_total} (lookups that had to ask the bucket),
   * {@code distvault_cache_tier_evictions_total}, {@code distvault_cache_tier_bytes} and {@code
   * distvault_cache_tier_max_bytes}. Read from the tier at each scrape. Also exports {@code
   * distvault_backend_errors_total{op="get"}} from 0.
   */
  public void cacheTier(CacheTier tier) {
    backendErrors("get"); // From 0, so that a rate sees the first failed read.
    FunctionCounter.builder("distvault.cache.tier.hits", tier, CacheTier::hits)
        .description("Blob lookups the local cache tier answered with a file, without asking the bucket")
        .register(registry);
    FunctionCounter.builder("distvault.cache.tier.misses", tier, CacheTier::misses)
        .description("Blob lookups the local cache tier could not answer: each asked the bucket")
        .register(registry);
    FunctionCounter.builder("distvault.cache.tier.evictions", tier, CacheTier::evictions)
        .description("Files the local cache tier dropped to stay within --cache-size, or on request")
        .register(registry);
    Gauge.builder("distvault.cache.tier", tier, CacheTier::bytes)
        .description("Bytes held by the local cache tier")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("distvault.cache.tier.max", tier, CacheTier::maxBytes)
        .description("The local cache tier's bound, --cache-size")
        .baseUnit("bytes")
        .register(registry);
  }

  /**
   * Exports how a replica ({@code serve --replica-of}) follows its primary's published seal: {@code
   * distvault_replica_poll_interval_seconds} ({@code --poll}), {@code
   * distvault.replica.last.poll.success.timestamp_seconds} (the last time a poll read the pointer and
   * the seal served was the one it names: at start, then at each good poll), and each failed poll
   * as {@code distvault_backend_errors_total{op="seal-poll"}} (exported from 0).
   *
   * @return the listener to give the {@link SealFollower}
   */
  public SealFollower.Listener replica(Duration poll, Clock clock) {
    Gauge.builder("distvault.replica.poll.interval", poll, p -> p.toMillis() / 1000.0)
        .description("How often this replica reads its primary's seal pointer, serve --poll")
        .baseUnit("seconds")
        .register(registry);
    backendErrors("seal-poll");
    AtomicLong inStepSeconds = new AtomicLong();
    Gauge.builder("distvault.replica.last.poll.success.timestamp", inStepSeconds, AtomicLong::doubleValue)
        .description("When this replica last read the seal pointer and served the seal it names (Unix seconds)")
        .baseUnit("seconds")
        .register(registry);
    return new SealFollower.Listener() {
      @Override
      public void inStep() {
        inStepSeconds.set(clock.instant().getEpochSecond());
      }

      @Override
      public void failed() {
        backendError("seal-poll");
      }
    };
  }

  /** Counts a recorded violation: {@code distvault_violations_total{kind}}. */
  public void violationRecorded(ViolationKind kind) {
    violations(kind).increment();
  }

  /**
   * Counts an admin ingest outcome, e.g. ({@code blob}, {@code created}): {@code
   * distvault_ingest_total{kind,result}}. The listener of the ingest handlers. For kind {@code
   * scrub}, result {@code corrupt} also counts {@code distvault_scrub_corrupt_total}.
   */
  public void ingestOutcome(String kind, String result) {
    ingest(kind, result).increment();
    if ("scrub".equals(kind) && "corrupt".equals(result)) {
      scrubCorrupt.increment();
    }
  }

  /**
   * A backup as of {@code at} (its checkpoint) succeeded: sets {@code
   * distvault_last_backup_timestamp_seconds}.
   */
  public void backupFinished(Instant at) {
    lastBackupSeconds.set(at.getEpochSecond());
  }

  /** A scrub finished at {@code at}: sets {@code distvault_last_scrub_timestamp_seconds}. */
  public void scrubFinished(Instant at) {
    lastScrubSeconds.set(at.getEpochSecond());
  }

  /**
   * A garbage collection finished at {@code at}, leaving {@code garbageBytes} of garbage, having
   * deleted {@code freedBytes}: {@code distvault_gc_garbage_bytes}, {@code
   * distvault_gc_last_run_timestamp_seconds}, {@code distvault_gc_freed_bytes_total}.
   */
  public void gcFinished(Instant at, long garbageBytes, long freedBytes) {
    gcGarbageBytes.set(garbageBytes);
    lastGcSeconds.set(at.getEpochSecond());
    gcFreed.increment(freedBytes);
  }

  /** Whether the live blobs alone exceed {@code --max-size}: {@code distvault_live_bytes_over_max_size}. */
  public void liveOverMaxSize(boolean over) {
    liveOverMaxSize.set(over ? 1 : 0);
  }

  /** Counts an upstream fetch of online read-through: {@code distvault_upstream_fetch_total{result}}. */
  public void upstreamFetch(String result, long count) {
    upstreamFetch(result).increment(count);
  }

  /**
   * Registers {@code distvault_data_free_bytes} and {@code distvault_data_size_bytes}: the space
   * usable by this process and the total size of the file system holding {@code dataDir}, both
   * read at each scrape (a statfs call).
   *
   * @throws IOException when the file system of {@code dataDir} cannot be found
   */
  public void dataDirectory(Path dataDir) throws IOException {
    FileStore store = Files.getFileStore(dataDir);
    Gauge.builder("distvault.data.free", () -> space(store, FileStore::getUsableSpace))
        .description("Space left for distvault on the file system holding the data directory")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("distvault.data.size", () -> space(store, FileStore::getTotalSpace))
        .description("Total size of the file system holding the data directory")
        .baseUnit("bytes")
        .register(registry);
  }

  /**
   * The trap proxy's observer: {@code distvault_trap_requests_total{outcome}}, {@code
   * distvault_trap_tunnels_total{result}} and {@code distvault_trap_tunnel_bytes_total{direction}}
   * ({@code up}: client to host, {@code down}: host to client). Registered only when a trap proxy
   * runs, with every label value at 0.
   */
  public TrapObserver trapObserver() {
    for (TrapOutcome o : TrapOutcome.values()) {
      trapRequests(o);
    }
    for (TunnelResult r : TunnelResult.values()) {
      trapTunnels(r);
    }
    Counter up = trapBytes("up");
    Counter down = trapBytes("down");
    return new TrapObserver() {
      @Override
      public void request(TrapOutcome outcome) {
        trapRequests(outcome).increment();
      }

      @Override
      public void tunnel(TunnelResult result, long bytesUp, long bytesDown) {
        trapTunnels(result).increment();
        up.increment(bytesUp);
        down.increment(bytesDown);
      }
    };
  }

  /** Registers {@code distvault_trap_connections}, read from {@code activeConnections} at each scrape. */
  public void trapConnections(IntSupplier activeConnections) {
    Gauge.builder("distvault.trap.connections", activeConnections::getAsInt)
        .description("Connections the egress trap proxy is handling now, tunnels included")
        .register(registry);
  }

  /**
   * Registers {@code distvault_degraded{reason}}: 1 while the condition holds, 0 otherwise, one
   * series per {@link Condition}, read from {@code health} at each scrape.
   */
  public void health(Health health) {
    Objects.requireNonNull(health, "health");
    for (Condition c : Condition.values()) {
      Gauge.builder("distvault.degraded", () -> health.holds(c) ? 1 : 0)
          .description("1 while the server is degraded for this reason (see /healthz), else 0")
          .tag("reason", c.wireName())
          .register(registry);
    }
  }

  @Override
  public void close() {
    gc.close();
  }

  /** One of the space queries of a {@link FileStore}. */
  private interface SpaceQuery {
    long bytes(FileStore store) throws IOException;
  }

  private static double space(FileStore store, SpaceQuery query) {
    try {
      return query.bytes(store);
    } catch (IOException e) {
      // Micrometer turns an exception of a gauge into NaN and logs it; say which file system.
      throw new UncheckedIOException("cannot read the space of " + store, e);
    }
  }

  private Counter trapRequests(TrapOutcome outcome) {
    return Counter.builder("distvault.trap.requests")
        .description("Egress trap proxy connections by outcome (refused: an egress violation)")
        .tag("outcome", outcome.label())
        .register(registry);
  }

  private Counter trapTunnels(TunnelResult result) {
    return Counter.builder("distvault.trap.tunnels")
        .description("Egress trap proxy CONNECT tunnels to allow-listed hosts by how they ended")
        .tag("result", result.label())
        .register(registry);
  }

  private Counter trapBytes(String direction) {
    return Counter.builder("distvault.trap.tunnel.bytes")
        .description("Bytes carried by egress trap proxy tunnels (up: client to host, down: host to client)")
        .tag("direction", direction)
        .register(registry);
  }

  private Counter violations(ViolationKind kind) {
    return kept(violationCounters, kind.ordinal(), () -> Counter.builder("distvault.violations")
        .description("Violations recorded, by kind (offline misses; egress: trap proxy attempts)")
        .tag("kind", kind.wireName())
        .register(registry));
  }

  private Counter ingest(String kind, String result) {
    return Counter.builder("distvault.ingest")
        .description("Admin ingest outcomes (blob uploads, manifests, outcomes) by kind and result")
        .tags("kind", label(kind), "result", label(result))
        .register(registry);
  }

  private Counter upstreamFetch(String result) {
    return Counter.builder("distvault.upstream.fetch")
        .description("Online read-through fetches from upstream by result")
        .tag("result", label(result))
        .register(registry);
  }

  private void statsGauge(String name, String help, Supplier<StoreStats> stats, ToDoubleFunction<StoreStats> f) {
    Gauge.builder(name, () -> f.applyAsDouble(stats.get())).description(help).register(registry);
  }

  private void distfilesGauge(String state, Supplier<StoreStats> stats, ToDoubleFunction<StoreStats> f) {
    Gauge.builder("distvault.distfiles", () -> f.applyAsDouble(stats.get()))
        .description("Expected distfile variants by state")
        .tag("state", state)
        .register(registry);
  }

  private static String label(String value) {
    return value != null && LABEL.matcher(value).matches() ? value : "other";
  }

  /**
   * Registers the HTTP listener's connection meters, read from {@code gate} at each scrape: {@code
   * distvault_connections} (open now), {@code distvault_connections_max} (the bound in force),
   * {@code distvault_connections_evicted_total{bound}} (idle connections closed to make room for a
   * new one) and {@code distvault_connections_refused_total{bound}} (new connections answered 503:
   * nothing idle to close); {@code bound} is {@code total} or {@code per_client} (one address's).
   */
  public void connections(ConnectionGate gate) {
    Gauge.builder("distvault.connections", gate, ConnectionGate::open)
        .description("Connections open on the HTTP listener now")
        .register(registry);
    Gauge.builder("distvault.connections.max", gate, ConnectionGate::max)
        .description("The most connections the HTTP listener keeps open at once (--max-connections or derived "
            + "from the file descriptor limit)")
        .register(registry);
    for (ConnectionGate.Bound b : ConnectionGate.Bound.values()) {
      FunctionCounter.builder("distvault.connections.evicted", gate, g -> g.evicted(b))
          .description("Idle connections closed to make room for a new one when a bound was reached: total, "
              + "or per_client (one address)")
          .tag("bound", b.label())
          .register(registry);
      FunctionCounter.builder("distvault.connections.refused", gate, g -> g.refused(b))
          .description("New connections answered 503 and closed because a bound was reached and every "
              + "connection in question was serving a request: total, or per_client (one address)")
          .tag("bound", b.label())
          .register(registry);
    }
  }

  /** Registers {@code distvault_access_log_dropped_total}, read from {@code dropped} at each scrape. */
  public void accessLog(LongSupplier dropped) {
    FunctionCounter.builder("distvault.access.log.dropped", dropped, LongSupplier::getAsLong)
        .description("Access log lines dropped: the queue to its writer was full, or writing failed")
        .register(registry);
  }

  /** Registers {@code distvault_build_info{version,revision}}, always 1. */
  public void buildInfo(String version, String revision) {
    Gauge.builder("distvault.build.info", () -> 1)
        .description("1, labelled with the version and the git commit of the running build")
        .tag("version", version)
        .tag("revision", revision)
        .register(registry);
  }
}
