package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.OutcomeJson;
import org.distvault.prefetch.manifest.Manifest;
import org.distvault.prefetch.manifest.ManifestError;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.prefetch.manifest.UpstreamUrls;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Progress;
import org.distvault.prefetch.run.RunResult;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.QueryParams;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/prefetch?jobs=N&per-host=M} (and {@code /api/v1/sets/<set>/prefetch}): the
 * server downloads the body's manifest entries from their upstream URLs itself, verifies and
 * stores them, and streams the outcome of each back; {@code distvault prefetch --on-server} sends
 * it. The download goes straight from the upstream socket into the vault's verifying writer, so a
 * byte crosses no second connection and is hashed once, by the side that must not trust anyone
 * else's hash.
 *
 * <p>Request: the entries as manifest JSON lines (the format of {@code POST /api/v1/manifest}, at
 * most {@value #MAX_BODY} bytes); only {@code http}, {@code https} and {@code ftp} URLs (a {@code
 * file://} URL would have the server read its own files for a client: 400 naming the entry).
 * {@code jobs} (1-{@value #MAX_JOBS}, default 8) and {@code per-host} (1-{@value #MAX_JOBS},
 * default 2) are the tool's {@code --jobs} and {@code --per-host}. Refused before the body is read
 * with 409 while the mode or the set refuses uploads, and when a prefetch is already running
 * ({@link ServerPrefetches}: one at a time).
 *
 * <p>Answer: 200 with {@code application/x-ndjson}, one object per line, sent as they happen:
 *
 * <ul>
 *   <li>first, {@code {"started":{"entries":N}}} once the body was read and checked;
 *   <li>{@code {"outcome":{...},"entry":I,"downloaded":B}}: entry I (0-based, in body order)
 *       ended; the object is the tool's report form of an outcome (status {@code ok}, {@code
 *       present} or {@code failed}, reason, URL, SHA-512, bytes, millis, attempts), B the bytes
 *       the run has downloaded so far;
 *   <li>{@code {"progress":{"finished":F,"bytes":B}}} every {@value #HEARTBEAT_SECONDS} s, so that
 *       a client can tell a long download from a dead server;
 *   <li>last, {@code {"done":{"entries":N,"millis":T,"errors":[...]}}} with the run-level errors.
 *       An answer without it was broken off: the entries it did not name have no outcome.
 * </ul>
 *
 * <p>Outcomes are recorded on the server as {@code POST /api/v1/outcomes} records them. A client
 * that goes away cancels the run: deliveries are refused from then on, what was stored and its
 * outcomes stay. Each request runs on a worker thread, which one run holds until it ends.
 */
public final class ServerPrefetchHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ServerPrefetchHandler.class);

  /** The largest request body: about 500,000 entries of a typical manifest. */
  public static final long MAX_BODY = 256L << 20;
  /** The largest {@code jobs} and {@code per-host}. */
  public static final int MAX_JOBS = 64;
  static final int HEARTBEAT_SECONDS = 5;
  private static final Set<String> PARAMS = Set.of("jobs", "per-host");
  private static final int MAX_ERRORS = 100;

  private final ServerPrefetches runs;
  private final Vault vault;
  private final SourceSet set;
  private final UploadGate gate;
  private final IngestListener listener;
  private final Clock clock;
  private final HttpHandler entry;

  /**
   * @param runs the server's runner; null when the server opens no outbound connection ({@code
   *     --no-upstream}): every request is then refused with 409
   */
  public ServerPrefetchHandler(ServerPrefetches runs, Vault vault, SourceSet set, UploadGate gate,
      IngestListener listener, Clock clock) {
    this.runs = runs;
    this.vault = Objects.requireNonNull(vault, "vault");
    this.set = Objects.requireNonNull(set, "set");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entry = new JsonEndpoint("prefetch", Methods.POST, MAX_BODY, gate, listener, this::prefetch);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply prefetch(HttpServerExchange ex, InputStream body) throws IOException, ApiException {
    if (runs == null) {
      throw ApiException.refused("this server was started with --no-upstream and opens no outbound connection: "
          + "run the prefetch in the tool (without --on-server)");
    }
    QueryParams params = QueryParams.of(ex, PARAMS);
    int jobs = (int) params.number("jobs", 1, MAX_JOBS, 8);
    int perHost = (int) params.number("per-host", 1, MAX_JOBS, 2);
    // Each run its own sink: a cancel (its client went away) ends that run only.
    VaultSink sink = new VaultSink(vault, new Presence(vault, set, gate),
        new OutcomesHandler(vault, set, gate, listener, clock), gate);
    // The slot before the body: a second run is refused before its manifest is read.
    try (ServerPrefetches.Slot slot = runs.acquire(sink)) {
      List<ExpectedDistfile> entries = read(ex, body);
      long start = System.nanoTime();
      String who = ex.getSourceAddress() == null ? "?" : ex.getSourceAddress().getAddress().getHostAddress();
      log.info("server-side prefetch of {} entries into set {} for {} (jobs {}, per-host {})", entries.size(),
          set.name().value(), who, jobs, perHost);
      Lines lines = new Lines(ex, sink);
      // The status and a first line at once: the client knows the run started and how big it is.
      lines.write(JsonReply.JSON.writeValueAsBytes(Map.of("started", Map.of("entries", entries.size()))));
      Counted progress = new Counted(entries, lines);
      ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "prefetch-heartbeat");
        t.setDaemon(true);
        return t;
      });
      heartbeat.scheduleAtFixedRate(progress::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
      List<String> errors = new ArrayList<>();
      PrefetchReport report = null;
      try {
        report = slot.run(entries, jobs, perHost, progress);
        errors.addAll(report.runErrors());
      } catch (InterruptedException e) {
        errors.add("the server stopped the run: it is shutting down");
      } catch (IOException e) {
        log.warn("server-side prefetch of {} entries failed: {}", entries.size(), e.toString());
        errors.add("the run failed: " + e.getMessage());
      } catch (RuntimeException e) {
        // The answer has begun: say it in its last line rather than break the connection off.
        log.error("server-side prefetch of {} entries failed", entries.size(), e);
        errors.add("the run failed: " + e);
      } finally {
        heartbeat.shutdownNow();
      }
      if (report != null) {
        progress.rest(report.outcomes());
        PrefetchReport.Summary sum = report.summary();
        log.info("server-side prefetch for {} ended in {} s: {} fetched, {} already held, {} failed, {} run errors", who,
            Duration.ofNanos(System.nanoTime() - start).toSeconds(), sum.ok(), sum.present(), sum.failed(),
            errors.size());
      }
      Map<String, Object> done = new LinkedHashMap<>();
      done.put("entries", entries.size());
      done.put("millis", Duration.ofNanos(System.nanoTime() - start).toMillis());
      done.put("errors", errors);
      lines.write(JsonReply.JSON.writeValueAsBytes(Map.of("done", done)));
      lines.end();
      boolean ok = report != null && report.result() == RunResult.SUCCESS;
      return new JsonEndpoint.Reply(200, new JsonEndpoint.Sent(), ok ? "ok" : "failed");
    }
  }

  /** The body's entries; 400 naming the first malformed lines, or an entry with a URL not fetched here. */
  private static List<ExpectedDistfile> read(HttpServerExchange ex, InputStream body) throws ApiException {
    Manifest m;
    try {
      m = new ManifestReader(body).readRest(MAX_ERRORS);
    } catch (IOException e) {
      throw JsonEndpoint.readFailure(ex, e, -1);
    }
    List<String> errors = new ArrayList<>();
    for (ManifestError e : m.errors()) {
      errors.add(e.toString());
    }
    if (errors.isEmpty()) {
      for (int i = 0; i < m.entries().size() && errors.size() < MAX_ERRORS; i++) {
        ExpectedDistfile e = m.entries().get(i);
        for (String url : e.urls()) {
          int colon = url.indexOf(':');
          String scheme = colon < 0 ? "" : url.substring(0, colon).toLowerCase(Locale.ROOT);
          if (!UpstreamUrls.NETWORK_SCHEMES.contains(scheme)) {
            errors.add("entry " + (i + 1) + " (" + e.name().value() + "): URL " + url + " is not http, https or ftp: "
                + "the server fetches only from the network; import local files with the tool (without --on-server)");
            break;
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad_request", errors.get(0), Map.of("errors", errors));
    }
    return m.entries();
  }

  /**
   * The response's lines, written by the run's threads and the heartbeat one at a time. The first
   * write sends the 200; a write that fails means the client went away, which cancels the run.
   */
  private static final class Lines {
    private final HttpServerExchange ex;
    private final VaultSink sink;
    private OutputStream out;
    private boolean broken;
    private boolean ended;

    Lines(HttpServerExchange ex, VaultSink sink) {
      this.ex = ex;
      this.sink = sink;
    }

    synchronized void write(byte[] line) {
      if (broken || ended) {
        return;
      }
      try {
        if (out == null) {
          ex.setStatusCode(200);
          ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-ndjson");
          out = ex.getOutputStream();
        }
        out.write(line);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        broken = true;
        log.info("the client of a server-side prefetch went away ({}): cancelling the run", e.toString());
        sink.cancel("the client that asked for this prefetch went away");
      }
    }

    synchronized void end() {
      ended = true;
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException e) {
        log.debug("closing a prefetch answer: {}", e.toString());
      }
    }
  }

  /** Sends each outcome as it ends, and the heartbeat; remembers what it sent. */
  private static final class Counted implements Progress {
    private final Map<ExpectedDistfile, Integer> index;
    private final Lines lines;
    private final BitSet sent;
    private final AtomicLong bytes = new AtomicLong();

    Counted(List<ExpectedDistfile> entries, Lines lines) {
      this.index = new IdentityHashMap<>(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        index.put(entries.get(i), i);
      }
      this.lines = lines;
      this.sent = new BitSet(entries.size());
    }

    @Override
    public void start(int files, long total) {}

    @Override
    public void bytes(long n) {
      bytes.addAndGet(n);
    }

    @Override
    public void finished(Outcome outcome) {
      Integer i = index.get(outcome.entry());
      if (i != null) {
        send(i, outcome);
      }
    }

    /** The outcomes not sent while the run went on (present, and not attempted). */
    void rest(List<Outcome> all) {
      for (int i = 0; i < all.size(); i++) {
        send(i, all.get(i));
      }
    }

    private void send(int i, Outcome o) {
      synchronized (sent) {
        if (sent.get(i)) {
          return;
        }
        sent.set(i);
      }
      ByteArrayOutputStream line = new ByteArrayOutputStream(512);
      try (JsonGenerator g = JsonReply.JSON.getFactory().createGenerator(line, JsonEncoding.UTF8)) {
        g.writeStartObject();
        g.writeFieldName("outcome");
        OutcomeJson.writeForReport(g, o);
        g.writeNumberField("entry", i);
        g.writeNumberField("downloaded", bytes.get());
        g.writeEndObject();
      } catch (IOException e) {
        throw new IllegalStateException("writing JSON into memory failed", e);
      }
      lines.write(line.toByteArray());
    }

    void beat() {
      int finished;
      synchronized (sent) {
        finished = sent.cardinality();
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("finished", finished);
      p.put("bytes", bytes.get());
      try {
        lines.write(JsonReply.JSON.writeValueAsBytes(Map.of("progress", p)));
      } catch (IOException e) {
        log.debug("heartbeat: {}", e.toString());
      }
    }

    @Override
    public void end() {}
  }
}
