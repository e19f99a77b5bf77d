package org.distvault.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationJson;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.server.violation.ViolationReport;
import org.distvault.storage.vault.Vault;

/**
 * {@code GET /api/v1/violations} (a page of the log after a cursor, optionally of one run) and
 * {@code GET /api/v1/report} (violations per package, as JSON or text).
 *
 * <p>Both read the catalog in bounded pages: a list request scans at most {@link #LIST_SCAN}
 * entries (so a run filter over a long log returns fewer entries and a {@code next} cursor to go
 * on from), a report at most {@link #REPORT_SCAN} (then it says it is truncated).
 */
public final class ViolationsResource {
  static final int DEFAULT_LIMIT = 1000;
  static final int LIST_SCAN = 100_000;
  static final int REPORT_SCAN = 1_000_000;

  private final ViolationRecorder violations;

  public ViolationsResource(ViolationRecorder violations) {
    this.violations = Objects.requireNonNull(violations, "violations");
  }

  /** {@code GET /api/v1/violations?since=<cursor>&limit=<n>&run=<id>}. */
  public HttpHandler list() {
    return new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        long since;
        int limit;
        Optional<String> run;
        try {
          QueryParams q = QueryParams.of(exchange, Set.of("since", "limit", "run"));
          since = q.number("since", 0, Long.MAX_VALUE, 0);
          limit = (int) q.number("limit", 1, Vault.MAX_PAGE, DEFAULT_LIMIT);
          run = q.runId("run");
        } catch (QueryParams.BadQueryException e) {
          JsonExchange.error(exchange, StatusCodes.BAD_REQUEST, e.getMessage());
          return;
        }
        ObjectNode body = JsonExchange.object();
        ArrayNode out = body.putArray("violations");
        long next = since;
        int scanned = 0;
        while (out.size() < limit && scanned < LIST_SCAN) {
          int want = run.isPresent() ? Vault.MAX_PAGE : limit - out.size();
          List<Violation> page = violations.read(next, want);
          if (page.isEmpty()) {
            break;
          }
          for (Violation v : page) {
            scanned++;
            next = v.cursor();
            if (run.isEmpty() || run.equals(v.run())) {
              out.add(ViolationJson.toNode(v));
              if (out.size() == limit) {
                break;
              }
            }
          }
        }
        body.put("next", next);
        JsonExchange.send(exchange, StatusCodes.OK, body);
      }
    };
  }

  /** {@code GET /api/v1/report?run=<id>&format=text|json}. */
  public HttpHandler report() {
    return new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        Optional<String> run;
        String format;
        try {
          QueryParams q = QueryParams.of(exchange, Set.of("run", "format"));
          run = q.runId("run");
          format = q.choice("format", Set.of("text", "json"), "json");
        } catch (QueryParams.BadQueryException e) {
          JsonExchange.error(exchange, StatusCodes.BAD_REQUEST, e.getMessage());
          return;
        }
        ViolationReport report = build(run);
        if (format.equals("text")) {
          byte[] text = report.text().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
          exchange.setResponseContentLength(text.length);
          exchange.getResponseSender().send(ByteBuffer.wrap(text));
        } else {
          JsonExchange.send(exchange, StatusCodes.OK, json(report));
        }
      }
    };
  }

  private ViolationReport build(Optional<String> run) {
    ViolationReport.Builder b = ViolationReport.builder(run);
    long after = 0;
    int scanned = 0;
    while (scanned < REPORT_SCAN) {
      List<Violation> page = violations.read(after, Vault.MAX_PAGE);
      if (page.isEmpty()) {
        return b.build(false);
      }
      for (Violation v : page) {
        b.add(v);
        after = v.cursor();
      }
      scanned += page.size();
    }
    return b.build(after < violations.lastCursor());
  }

  static ObjectNode json(ViolationReport r) {
    ObjectNode o = JsonExchange.object();
    o.put("run", r.run().orElse(null));
    o.put("violations", r.violations());
    o.put("truncated", r.truncated());
    ArrayNode packages = o.putArray("packages");
    for (ViolationReport.Package p : r.packages()) {
      ObjectNode pj = packages.addObject();
      pj.put("pkgpath", p.pkgpath());
      ArrayNode distfiles = pj.putArray("distfiles");
      for (ViolationReport.Distfile d : p.distfiles()) {
        ObjectNode dj = distfiles.addObject();
        dj.put("name", d.name());
        dj.put("kind", d.kind().wireName());
        dj.put("count", d.count());
        dj.put("reason", d.reason());
        ArrayNode clients = dj.putArray("clients");
        d.clients().forEach(clients::add);
      }
    }
    return o;
  }
}
