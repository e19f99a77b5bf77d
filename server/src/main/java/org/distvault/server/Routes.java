package org.distvault.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.distvault.server.accesslog.AccessLog;
import org.distvault.server.admin.AdminRoute;
import org.distvault.server.admin.AdminRoutes;
import org.distvault.server.admin.BearerAuth;
import org.distvault.server.admin.GcResource;
import org.distvault.server.admin.IngestHandlers;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.ModeResource;
import org.distvault.server.admin.SetScoped;
import org.distvault.server.admin.SetsResource;
import org.distvault.server.admin.StatsResource;
import org.distvault.server.admin.UploadGate;
import org.distvault.server.admin.ViolationsResource;
import org.distvault.server.admin.ingest.BackupHandler;
import org.distvault.server.admin.ingest.BlobUploadHandler;
import org.distvault.server.admin.ingest.HaveHandler;
import org.distvault.server.admin.ingest.ManifestUploadHandler;
import org.distvault.server.admin.ingest.OutcomesHandler;
import org.distvault.server.admin.ingest.ScrubHandler;
import org.distvault.server.admin.ingest.ScrubRunner;
import org.distvault.server.admin.ingest.ServerPrefetchHandler;
import org.distvault.server.admin.ingest.ServerPrefetches;
import org.distvault.server.gc.GcService;
import org.distvault.server.health.HealthBody;
import org.distvault.server.http.AccessLogHandler;
import org.distvault.server.http.AddressRanges;
import org.distvault.server.http.AllowFromHandler;
import org.distvault.server.http.BlobSource;
import org.distvault.server.http.DistfileRoutes;
import org.distvault.server.http.MissHandler;
import org.distvault.server.http.ObservingHandler;
import org.distvault.server.http.OpenBlobFiles;
import org.distvault.server.http.RequestObserver;
import org.distvault.server.http.TextEndpoint;
import org.distvault.server.metrics.ServerMetrics;
import org.distvault.server.mode.ModeService;
import org.distvault.server.mode.SetService;
import org.distvault.server.status.StatusHandler;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.storage.vault.Vault;

/**
 * The one place where URLs meet handlers.
 *
 * <pre>
 * every request   [AccessLogHandler] -> ObservingHandler (metrics) -> DistfileRoutes (request-line checks)
 * /distfiles/, /pkg/, /run/&lt;id&gt;/..., /by-hash/   served from the vault; misses to the mode's policy
 * /set/&lt;set&gt;/...                                the same in that set; misses as the set's state says
 * /metrics, /healthz                             no token
 * /, /status, /status.json                       the status page, as --status-page says (StatusHandler)
 * /api/...                                       BearerAuth -> AdminRoutes (table below; /api/v1/sets/{set}/...
 *                                                the source sets, see SetsResource and SetScoped)
 * anything else                                  404
 * </pre>
 */
final class Routes {
  /** Body limits of the ingest routes (the contract: blobs up to 16 GiB; manifests of 100,000s of lines). */
  static final long BLOB_BODY = 16L << 30;
  static final long MANIFEST_BODY = 2L << 30;
  static final long HAVE_BODY = 64L << 20;
  static final long OUTCOMES_BODY = 256L << 20;

  private Routes() {}

  /** The parts the routes are built from. */
  record Parts(
      Vault vault,
      BlobSource blobs,
      MissHandler misses,
      ModeService modes,
      ViolationRecorder violations,
      ServerMetrics metrics,
      String adminToken,
      IngestHandlers ingest,
      Clock clock,
      Supplier<String> scrape,
      OpenBlobFiles files,
      SetService sets,
      GcService gc,
      RequestObserver observer,
      HttpHandler status) {}

  /** The admin route table. */
  static List<AdminRoute> adminTable(Parts p) {
    ModeResource mode = new ModeResource(p.modes());
    ViolationsResource violations = new ViolationsResource(p.violations());
    SetsResource sets = new SetsResource(p.sets());
    IngestListener listener = p.metrics()::ingestOutcome;

    long small = JsonReply.SMALL_BODY;
    return List.of(
        AdminRoute.exact("GET", "/api/v1/mode", small, mode.get()),
        AdminRoute.exact("PUT", "/api/v1/mode", small, mode.put()),
        AdminRoute.exact("GET", "/api/v1/seal", small, mode.seal()),
        AdminRoute.exact("GET", "/api/v1/violations", small, violations.list()),
        AdminRoute.exact("GET", "/api/v1/report", small, violations.report()),
        AdminRoute.exact("GET", "/api/v1/stats", small, new StatsResource(p.vault(), p.modes(), p.violations()).handler()),
        // ---- ingest routes: handlers from org.distvault.server.admin.ingest, see ingestHandlers() ----
        new AdminRoute("PUT", "/api/v1/blobs/sha512/", true, BLOB_BODY, p.ingest().blobUpload()),
        AdminRoute.exact("POST", "/api/v1/manifest", MANIFEST_BODY, p.ingest().manifestUpload()),
        AdminRoute.exact("POST", "/api/v1/have", HAVE_BODY, p.ingest().have()),
        AdminRoute.exact("POST", "/api/v1/outcomes", OUTCOMES_BODY, p.ingest().outcomes()),
        AdminRoute.exact("POST", "/api/v1/scrub", small, p.ingest().scrub()),
        AdminRoute.exact("POST", "/api/v1/prefetch", ServerPrefetchHandler.MAX_BODY, p.ingest().prefetch()),
        AdminRoute.exact("POST", "/api/v1/backup", small, new BackupHandler(p.vault(), listener,
            report -> p.metrics().backupFinished(report.time()))),
        AdminRoute.exact("POST", "/api/v1/gc", small, new GcResource(p.gc()).post()),
        // ---- source sets: the un-prefixed ingest routes above are the default set's ----
        AdminRoute.exact("GET", "/api/v1/sets", small, sets.list()),
        AdminRoute.exact("GET", "/api/v1/sets/{set}", small, sets.get()),
        AdminRoute.exact("DELETE", "/api/v1/sets/{set}", small, sets.delete()),
        AdminRoute.exact("PUT", "/api/v1/sets/{set}/state", small, sets.putState()),
        AdminRoute.exact("GET", "/api/v1/sets/{set}/audit", small, sets.audit()),
        AdminRoute.exact("POST", "/api/v1/sets/{set}/entries", HAVE_BODY, sets.entries()),
        AdminRoute.exact("GET", "/api/v1/sets/{set}/listing", small, sets.listing()),
        AdminRoute.exact("POST", "/api/v1/sets/{set}/manifest", MANIFEST_BODY, new SetScoped(p.sets(), true,
            (name, set, actor, gate) -> new ManifestUploadHandler(p.vault(), () -> p.sets().create(name, actor), gate,
                listener))),
        AdminRoute.exact("POST", "/api/v1/sets/{set}/have", HAVE_BODY, new SetScoped(p.sets(), false,
            (name, set, actor, gate) -> new HaveHandler(p.vault(), set.orElseThrow(), gate, listener))),
        AdminRoute.exact("POST", "/api/v1/sets/{set}/outcomes", OUTCOMES_BODY, new SetScoped(p.sets(), false,
            (name, set, actor, gate) -> new OutcomesHandler(p.vault(), set.orElseThrow(), gate, listener,
                p.clock()))),
        AdminRoute.exact("POST", "/api/v1/sets/{set}/prefetch", ServerPrefetchHandler.MAX_BODY,
            new SetScoped(p.sets(), false, p.ingest().setPrefetch())));
  }

  /**
   * The admin ingest handlers, refused (409) while the mode refuses uploads and counted in
   * {@code distvault_ingest_total{kind,result}}. Authentication ({@link BearerAuth}) and the body
   * limit of each route are applied around them.
   */
  static IngestHandlers ingestHandlers(Vault vault, ModeService modes, ServerMetrics metrics, ScrubRunner scrubs,
      Optional<ServerPrefetches> prefetches, Clock clock) {
    UploadGate gate = modes::uploadRefusal;
    IngestListener listener = metrics::ingestOutcome;
    ServerPrefetches runs = prefetches.orElse(null);
    return new IngestHandlers(
        new BlobUploadHandler(vault, gate, listener),
        new ManifestUploadHandler(vault, gate, listener),
        new HaveHandler(vault, gate, listener),
        new OutcomesHandler(vault, gate, listener),
        new ScrubHandler(scrubs, listener),
        new ServerPrefetchHandler(runs, vault, vault.defaultSet(), gate, listener, clock),
        (name, set, actor, setGate) -> new ServerPrefetchHandler(runs, vault, set.orElseThrow(), setGate, listener,
            clock));
  }

  /**
   * The public listener's root handler; {@code healthBody} answers {@code /healthz} (see {@link
   * HealthBody}). With {@code adminApart} the admin API is on a listener of its own ({@link
   * #adminRoot}) and answers 404 here; clients outside {@code allowFrom} get 403.
   */
  static HttpHandler root(Parts p, List<AdminRoute> adminTable, HealthBody healthBody, boolean adminApart,
      AddressRanges allowFrom, Optional<AccessLog> accessLog) {
    HttpHandler other = others(p, adminApart ? DistfileRoutes.NO_SUCH_ROUTE : admin(p, adminTable), healthBody);
    return logged(p, accessLog, new ObservingHandler(AllowFromHandler.wrap(allowFrom,
        new DistfileRoutes(p.blobs(), p.misses(), other, p.files())), p.observer()));
  }

  /** The admin listener's root handler ({@code --admin-listen}): the admin API, /metrics and /healthz. */
  static HttpHandler adminRoot(Parts p, List<AdminRoute> adminTable, HealthBody healthBody,
      Optional<AccessLog> accessLog) {
    return logged(p, accessLog, new ObservingHandler(others(p, admin(p, adminTable), healthBody), p.observer()));
  }

  /** {@code next} with each exchange written to the access log, if there is one. */
  private static HttpHandler logged(Parts p, Optional<AccessLog> accessLog, HttpHandler next) {
    return accessLog.<HttpHandler>map(a -> new AccessLogHandler(next, a::add, p.clock())).orElse(next);
  }

  private static HttpHandler admin(Parts p, List<AdminRoute> adminTable) {
    return new BearerAuth(p.adminToken(), new AdminRoutes(adminTable));
  }

  /** /metrics, /healthz, the status page, the admin API to {@code admin}, and 404 for anything else. */
  private static HttpHandler others(Parts p, HttpHandler admin, HealthBody healthBody) {
    HttpHandler metrics = new TextEndpoint("text/plain; version=0.0.4; charset=utf-8", p.scrape());
    HttpHandler health = new TextEndpoint("application/json", healthBody);
    return (HttpServerExchange exchange) -> {
      String path = exchange.getRequestURI();
      if (path.equals("/metrics")) {
        metrics.handleRequest(exchange);
      } else if (path.equals("/healthz")) {
        health.handleRequest(exchange);
      } else if (StatusHandler.covers(path)) {
        p.status().handleRequest(exchange);
      } else if (AdminRoutes.covers(path)) {
        admin.handleRequest(exchange);
      } else {
        DistfileRoutes.NO_SUCH_ROUTE.handleRequest(exchange);
      }
    };
  }

}
