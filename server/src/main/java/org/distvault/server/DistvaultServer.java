package org.distvault.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.server.accesslog.AccessLog;
import org.distvault.server.admin.AdminRoute;
import org.distvault.server.admin.IngestHandlers;
import org.distvault.server.admin.TokenFile;
import org.distvault.server.admin.ingest.ScrubRunner;
import org.distvault.server.admin.ingest.ScrubSchedule;
import org.distvault.server.admin.ingest.ServerPrefetches;
import org.distvault.server.gc.GcService;
import org.distvault.server.health.CatalogProbe;
import org.distvault.server.health.FreeSpace;
import org.distvault.server.health.Health;
import org.distvault.server.health.HealthBody;
import org.distvault.server.health.HealthMonitor;
import org.distvault.server.health.HealthSettings;
import org.distvault.server.http.DistfileRoutes;
import org.distvault.server.http.HttpServing;
import org.distvault.server.http.OpenBlobFiles;
import org.distvault.server.http.VaultBlobSource;
import org.distvault.server.metrics.ServerMetrics;
import org.distvault.server.mode.Actor;
import org.distvault.server.mode.Mode;
import org.distvault.server.mode.ModeMissHandler;
import org.distvault.server.mode.ModeService;
import org.distvault.server.mode.OfflineMissPolicy;
import org.distvault.server.mode.OnlineMissPolicy;
import org.distvault.server.mode.ReadThrough;
import org.distvault.server.mode.SealPublisher;
import org.distvault.server.mode.SetService;
import org.distvault.server.mode.UnpublishedSeals;
import org.distvault.server.readthrough.ReadThroughSettings;
import org.distvault.server.readthrough.ServingReadThrough;
import org.distvault.server.readthrough.UpstreamReadThrough;
import org.distvault.server.replica.ReadOnlyBackend;
import org.distvault.server.replica.SealFollower;
import org.distvault.server.status.RateHistory;
import org.distvault.server.status.StatusCollector;
import org.distvault.server.status.StatusHandler;
import org.distvault.server.trap.TrapProxy;
import org.distvault.server.violation.MissAnalyzer;
import org.distvault.server.violation.ViolationLog;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.storage.s3.S3BlobBackend;
import org.distvault.storage.s3.SealObjects;
import org.distvault.storage.vault.SealListing;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running distvault server: builds the object graph by hand (constructor injection, no
 * framework) and owns its lifecycle.
 *
 * <p>{@link #start} opens the vault (catalog and blobs) on the data directory, reads or creates
 * the admin token file, loads the mode (setting the requested one, audited), builds the metrics,
 * the violation recorder, the miss policies and the routes, and starts listening, then starts the
 * egress trap proxy if one is configured. {@link #close} stops in the reverse order: stop the trap
 * proxy (bounded), stop taking requests and drain those in flight (bounded), stop the HTTP
 * workers, release the metrics, then close the vault. The catalog refuses calls once
 * closed, so even a request cut off by the drain timeout cannot touch a closed RocksDB.
 *
 * <p>Thread-safe; {@code close} is idempotent.
 */
public final class DistvaultServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DistvaultServer.class);

  private final ServerConfig config;
  private final Vault vault;
  private final TokenFile token;
  private final ModeService modes;
  private final SetService sets;
  private final PrometheusMeterRegistry registry;
  private final ServerMetrics metrics;
  private final ViolationRecorder violations;
  private final List<AdminRoute> adminRoutes;
  private final AutoCloseable background;
  private final Optional<ServerPrefetches> prefetches;
  private final HttpServing http;
  private final Optional<HttpServing> adminHttp;
  private final Optional<TrapProxy> trap;
  private final Health health;
  private final HealthMonitor monitor;
  private boolean closed;

  private DistvaultServer(ServerConfig config, Vault vault, TokenFile token, ModeService modes, SetService sets,
      PrometheusMeterRegistry registry, ServerMetrics metrics, ViolationRecorder violations,
      List<AdminRoute> adminRoutes, AutoCloseable background, Optional<ServerPrefetches> prefetches, HttpServing http,
      Optional<HttpServing> adminHttp, Optional<TrapProxy> trap, Health health, HealthMonitor monitor) {
    this.config = config;
    this.vault = vault;
    this.token = token;
    this.modes = modes;
    this.sets = sets;
    this.registry = registry;
    this.metrics = metrics;
    this.violations = violations;
    this.adminRoutes = adminRoutes;
    this.background = background;
    this.prefetches = prefetches;
    this.http = http;
    this.adminHttp = adminHttp;
    this.trap = trap;
    this.health = health;
    this.monitor = monitor;
  }

  /**
   * Starts a server.
   *
   * @throws IOException when the data directory or the token file cannot be used, or the address
   *     cannot be bound; everything opened so far is closed again
   */
  public static DistvaultServer start(ServerConfig config) throws IOException {
    return start(config, HealthSettings.defaults());
  }

  /** Starts a server watching its health with {@code healthSettings} (e.g. {@code --min-free-space}). */
  public static DistvaultServer start(ServerConfig config, HealthSettings healthSettings) throws IOException {
    return start(config, healthSettings, Housekeeping.defaults());
  }

  /**
   * Starts a server as {@link #start(ServerConfig, HealthSettings)} does, which keeps its store by
   * itself as {@code housekeeping} says ({@code serve --max-size}, {@code --keep-seals}, {@code
   * --scrub-every}).
   */
  public static DistvaultServer start(ServerConfig config, HealthSettings healthSettings,
      Housekeeping housekeeping) throws IOException {
    List<AutoCloseable> opened = new ArrayList<>();
    Instant started = config.clock().instant();
    try {
      Optional<S3BlobBackend> bucket = config.blobStore().isPresent()
          ? Optional.of(config.blobStore().get().open()) : Optional.empty();
      Optional<ReplicaOf> replica = config.replicaOf();
      Vault vault = bucket.isPresent()
          ? Vault.open(config.dataDir(), replica.isPresent() ? new ReadOnlyBackend(bucket.get()) : bucket.get(),
              config.clock())
          : Vault.open(config.dataDir());
      opened.add(vault);
      SealPublisher publisher = replica.isPresent() ? SealPublisher.NONE
          : bucket.<SealPublisher>map(b -> (set, seal) ->
              b.seals().publish(set.name(), seal, SealListing.write(vault, set))).orElse(SealPublisher.NONE);
      config.blobStore().ifPresent(s -> log.info("blobs in {}, cache tier {} (at most {} bytes)",
          vault.blobLocation(), s.cacheDir(), s.cacheSize()));
      if (!vault.recovery().clean()) {
        log.warn("start-up repaired {}: {}", vault.dataDir(), vault.recovery());
      }
      TokenFile token = TokenFile.loadOrCreate(config.tokenFile());
      ModeService modes = ModeService.open(vault, config.clock(),
          replica.isPresent() ? Optional.of(Mode.OFFLINE) : config.mode(), Actor.local("serve"), publisher);
      if (replica.isPresent()) {
        modes.pinOffline("this server is a replica of set " + replica.get().set() + " in " + vault.blobLocation()
            + ": it serves the seal published there and accepts no uploads; send them to the primary");
      }
      SetService sets = SetService.open(vault, modes, config.clock(), publisher);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      opened.add(0, registry::close);
      ServerMetrics metrics = new ServerMetrics(registry, vault::stats, modes::current);
      opened.add(0, metrics);
      Optional<SealFollower> following = Optional.empty();
      if (replica.isPresent()) {
        following = Optional.of(SealFollower.start(vault, bucket.get().seals(), replica.get().set(),
            replica.get().poll(), metrics.replica(replica.get().poll(), config.clock())));
        opened.add(0, following.get());
      } else if (bucket.isPresent()) {
        S3BlobBackend b = bucket.get();
        UnpublishedSeals.publish(vault, name -> b.seals().current(name).map(SealObjects.Pointer::digest), publisher,
            name -> metrics.backendError("seal-publish"));
      }
      metrics.dataDirectory(vault.dataDir());
      bucket.ifPresent(b -> metrics.cacheTier(b.tier()));
      BuildInfo build = BuildInfo.current();
      metrics.buildInfo(build.version(), build.revision());
      Health health = new Health();
      metrics.health(health);
      FreeSpace space = FreeSpace.of(vault.dataDir(), healthSettings.minFreeBytes(), health);
      RateHistory rates = new RateHistory(config.clock());
      ViolationRecorder violations = new ViolationRecorder(vault, ViolationLog.in(vault.dataDir()), kind -> {
        metrics.violationRecorded(kind);
        rates.violation(kind);
      }, health);
      int copied = violations.catchUpFile();
      if (copied > 0) {
        log.warn("copied {} violations a crash or a full disk kept from {}", copied, ViolationLog.in(vault.dataDir()).file());
      }
      MissAnalyzer analyzer = new MissAnalyzer(vault);
      ReadThrough readThrough = ReadThrough.DISABLED;
      AutoCloseable upstream = () -> {};
      Optional<ServerPrefetches> prefetches = Optional.empty();
      if (config.upstream()) {
        ServerPrefetches runs = new ServerPrefetches(SchemeFetcher.standard(FetchSettings.defaults(), config.clock()),
            vault.dataDir().resolve("prefetch"), config.clock());
        opened.add(0, runs);
        prefetches = Optional.of(runs);
        UpstreamReadThrough fetcher = new UpstreamReadThrough(vault,
            SchemeFetcher.standard(FetchSettings.defaults(), config.clock()),
            ReadThroughSettings.defaults(), config.clock(), result -> metrics.upstreamFetch(result, 1));
        opened.add(0, fetcher);
        // A server-side prefetch is stopped first thing in close(), before the drain.
        upstream = fetcher;
        readThrough = new ServingReadThrough(vault, fetcher);
        log.info("--upstream: online misses of catalogued distfiles are fetched from their upstream URLs");
      }
      ModeMissHandler misses = new ModeMissHandler(modes, vault,
          new OnlineMissPolicy(analyzer, readThrough),
          new OfflineMissPolicy(analyzer, violations, config.clock()));
      ScrubRunner scrubs = new ScrubRunner(vault, config.clock(), last -> metrics.scrubFinished(last.at()));
      vault.lastBackup().ifPresent(last -> metrics.backupFinished(last.at()));
      IngestHandlers ingest = Routes.ingestHandlers(vault, modes, metrics, scrubs, prefetches, config.clock());
      OpenBlobFiles files = new OpenBlobFiles(DistfileRoutes.IO_THREAD_MAX_BYTES, vault::blobsDeleted);
      GcService gc = new GcService(vault, metrics, config.clock(), housekeeping.keepSeals(),
          housekeeping.maxSize());
      Optional<ScrubSchedule> scrubbing = housekeeping.scrubEvery()
          .map(every -> new ScrubSchedule(scrubs, every, config.clock()));
      scrubbing.ifPresent(schedule -> opened.add(0, schedule));
      Optional<AccessLog> accessLog = Optional.empty();
      if (config.accessLog().isPresent()) {
        accessLog = Optional.of(AccessLog.start(config.accessLog().get()));
        opened.add(0, accessLog.get());
        metrics.accessLog(accessLog.get()::dropped);
      }
      AutoCloseable downloads = upstream;
      Optional<AccessLog> lines = accessLog;
      // Background work stops before the vault it works on is closed; the access log after the
      // listeners, so that it holds every exchange.
      Optional<SealFollower> follower = following;
      AutoCloseable background = () -> {
        try {
          follower.ifPresent(SealFollower::close);
          downloads.close();
        } finally {
          try {
            if (scrubbing.isPresent()) {
              scrubbing.get().close();
            }
          } finally {
            lines.ifPresent(AccessLog::close);
          }
        }
      };
      StatusCollector status = new StatusCollector(build.version(), started, config.clock(), vault, modes, sets,
          violations, health, space, scrubs::last, rates);
      Routes.Parts parts = new Routes.Parts(vault, new VaultBlobSource(vault, metrics::backendError), misses, modes, violations,
          metrics, token.token(), ingest, config.clock(), registry::scrape, files, sets, gc, metrics.andThen(rates),
          new StatusHandler(status, config.exposure().statusPage(), token.token()));
      List<AdminRoute> adminRoutes = Routes.adminTable(parts);
      HealthMonitor monitor = HealthMonitor.start(healthSettings.checkInterval(), List.of(space::check,
          new CatalogProbe(vault, health, config.clock()), violations::completeFile, gc::checkSize));
      opened.add(0, monitor);
      HealthBody healthBody = new HealthBody(health, space, () -> modes.current().wireName(),
          () -> vault.stats().blobs());
      Exposure exposure = config.exposure();
      Optional<HttpServing> adminHttp = Optional.empty();
      if (config.adminServing().isPresent()) {
        // Started first, so that a taken admin port fails the start before build hosts are served.
        adminHttp = Optional.of(HttpServing.start(Routes.adminRoot(parts, adminRoutes, healthBody, accessLog),
            config.adminServing().get()));
        opened.add(0, adminHttp.get()::close);
      }
      HttpServing http = HttpServing.start(Routes.root(parts, adminRoutes, healthBody, adminHttp.isPresent(),
          exposure.allowFrom(), accessLog), config.serving(), files);
      opened.add(0, http::close);
      metrics.connections(http.connections());
      Optional<TrapProxy> trap = Optional.empty();
      if (config.trap().isPresent()) {
        TrapProxy proxy;
        try {
          proxy = TrapProxy.start(config.trap().get(), violations, modes::current, config.clock(),
              metrics.trapObserver());
        } catch (IOException e) {
          // Not a problem of the data directory: report it as a failed start naming the flag.
          throw new IllegalStateException("--trap-proxy: " + e.getMessage(), e);
        }
        opened.add(0, proxy::close);
        metrics.trapConnections(proxy::activeConnections);
        trap = Optional.of(proxy);
      }
      log.info("distvault serving {} on {} ({} mode){}{}", vault.dataDir(), http.baseUri(), modes.current(),
          adminHttp.map(a -> "; admin API on " + a.baseUri()).orElse(""),
          exposure.allowFrom().any() ? "" : "; clients from " + exposure.allowFrom());
      return new DistvaultServer(config, vault, token, modes, sets, registry, metrics, violations, adminRoutes,
          background, prefetches, http, adminHttp, trap, health, monitor);
    } catch (IOException | RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return http.address();
  }

  /** {@code http://host:port/} (or {@code https://}) of the public listener. */
  public URI baseUri() {
    return http.baseUri();
  }

  /** Where the admin API is served: the admin listener's URL when apart, else the public one's. */
  public URI adminUri() {
    return adminHttp.map(HttpServing::baseUri).orElse(http.baseUri());
  }

  /** The egress trap proxy, when {@code --trap-proxy} was given. */
  public Optional<TrapProxy> trap() {
    return trap;
  }

  public ServerConfig config() {
    return config;
  }

  public Vault vault() {
    return vault;
  }

  public TokenFile token() {
    return token;
  }

  public ModeService modes() {
    return modes;
  }

  /** The source sets (sealing, deleting, audit), through the routes' own service. */
  public SetService sets() {
    return sets;
  }

  public ViolationRecorder violations() {
    return violations;
  }

  /** The admin route table, ingest routes included. */
  public List<AdminRoute> adminRoutes() {
    return adminRoutes;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The conditions the server is degraded by, if any. */
  public Health health() {
    return health;
  }

  /**
   * Stops serving (drains requests in flight, bounded by the config's drain timeout), then closes
   * the metrics and the vault.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // A server-side prefetch is stopped first: its request then ends (with a line saying why)
    // within the drain below instead of holding it to its timeout.
    prefetches.ifPresent(ServerPrefetches::close);
    log.info("stopping: draining requests (at most {} s)", config.drainTimeout().toSeconds());
    try {
      trap.ifPresent(t -> t.close(config.drainTimeout()));
      try {
        http.close();
      } finally {
        adminHttp.ifPresent(HttpServing::close);
      }
    } finally {
      try {
        monitor.close();
        closeBackground();
        metrics.close();
        registry.close();
      } finally {
        vault.close();
        log.info("stopped; {} closed", vault.dataDir());
      }
    }
  }

  /** Stops read-through downloads and scheduled scrubs before the vault they work on is closed. */
  private void closeBackground() throws IOException {
    try {
      background.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("stopping read-through and scrubs: " + e.getMessage(), e);
    }
  }
}
