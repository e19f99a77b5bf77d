package org.distvault.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distvault.server.admin.JsonEndpoint.Reply;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationJson;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.server.violation.ViolationReport;
import org.distvault.storage.name.SetName;
import org.distvault.storage.vault.Vault;

/**
 * {@code GET /api/v1/violations} (a page of the log after a cursor, optionally of one run and of
 * one source set) and {@code GET /api/v1/report} (violations per package, as JSON or text, with the
 * same filters).
 *
 * <p>Both read the catalog in bounded pages: a list request scans at most {@link #LIST_SCAN}
 * entries (so a run or set filter over a long log returns fewer entries and a {@code next} cursor
 * to go on from), a report at most {@link #REPORT_SCAN} (then it says it is truncated).
 */
public final class ViolationsResource {
  static final int DEFAULT_LIMIT = 1000;
  static final int LIST_SCAN = 100_000;
  static final int REPORT_SCAN = 1_000_000;

  private final ViolationRecorder violations;

  public ViolationsResource(ViolationRecorder violations) {
    this.violations = Objects.requireNonNull(violations, "violations");
  }

  /** {@code GET /api/v1/violations?since=<cursor>&limit=<n>&run=<id>&set=<set>}. */
  public HttpHandler list() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> {
      QueryParams q = QueryParams.of(exchange, Set.of("since", "limit", "run", "set"));
      long since = q.number("since", 0, Long.MAX_VALUE, 0);
      int limit = (int) q.number("limit", 1, Vault.MAX_PAGE, DEFAULT_LIMIT);
      Optional<String> run = q.runId("run");
      Optional<SetName> set = setName(q);
      boolean filtered = run.isPresent() || set.isPresent();
      ObjectNode reply = JsonReply.object();
      ArrayNode out = reply.putArray("violations");
      long next = since;
      int scanned = 0;
      while (out.size() < limit && scanned < LIST_SCAN) {
        int want = filtered ? Vault.MAX_PAGE : limit - out.size();
        List<Violation> page = violations.read(next, want);
        if (page.isEmpty()) {
          break;
        }
        for (Violation v : page) {
          scanned++;
          next = v.cursor();
          if ((run.isEmpty() || run.equals(v.run())) && (set.isEmpty() || set.get().equals(v.set()))) {
            out.add(ViolationJson.toNode(v));
            if (out.size() == limit) {
              break;
            }
          }
        }
      }
      reply.put("next", next);
      return Reply.ok(reply);
    });
  }

  /** {@code GET /api/v1/report?run=<id>&set=<set>&format=text|json}. */
  public HttpHandler report() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> {
      QueryParams q = QueryParams.of(exchange, Set.of("run", "set", "format"));
      Optional<String> run = q.runId("run");
      Optional<SetName> set = setName(q);
      String format = q.choice("format", Set.of("text", "json"), "json");
      ViolationReport report = ViolationReport.scan(violations, run, set, REPORT_SCAN);
      return Reply.ok(format.equals("text")
          ? new JsonEndpoint.Text("text/plain; charset=utf-8", report.text())
          : json(report));
    });
  }

  /**
   * The {@code set} parameter: a set name, if given (400 with the {@link SetName} problem
   * otherwise). A valid name the store does not have is no error: it has no violations, or those
   * of requests through {@code /set/<name>/} before it existed.
   */
  private static Optional<SetName> setName(QueryParams q) throws ApiException {
    Optional<String> v = q.text("set");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String problem = SetName.problem(v.get());
    if (problem != null) {
      throw ApiException.badRequest("query parameter 'set' is not a set name: " + problem);
    }
    return Optional.of(SetName.of(v.get()));
  }

  /** The report's JSON (also the status page's, which leaves out the clients unless asked by the admin). */
  public static ObjectNode json(ViolationReport r) {
    ObjectNode o = JsonReply.object();
    o.put("run", r.run().orElse(null));
    o.put("set", r.set().map(SetName::value).orElse(null));
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
