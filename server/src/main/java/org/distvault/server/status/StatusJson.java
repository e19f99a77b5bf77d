package org.distvault.server.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.SetsResource;
import org.distvault.server.admin.StatsResource;
import org.distvault.server.admin.ViolationsResource;
import org.distvault.server.admin.ingest.ScrubRunner;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationJson;

/**
 * The body of {@code GET /status.json}: a {@link StatusSnapshot} in the shapes the admin API uses
 * for the same things (a set as in {@code /api/v1/sets}, a violation as in {@code
 * /api/v1/violations}, the report as in {@code /api/v1/report}), without client addresses and user
 * agents unless the snapshot is the admin's.
 */
final class StatusJson {
  private StatusJson() {}

  static ObjectNode of(StatusSnapshot s) {
    ObjectNode o = JsonReply.object();
    o.put("time", s.at().toString());
    o.put("version", s.version());
    o.put("uptimeSeconds", s.uptime().toSeconds());
    o.put("mode", s.mode().wireName());
    o.put("status", s.health().isEmpty() ? "ok" : "degraded");
    ArrayNode reasons = o.putArray("reasons");
    s.health().forEach((c, detail) -> reasons.addObject().put("reason", c.wireName()).put("detail", detail));
    ObjectNode store = o.putObject("store");
    StatsResource.putStore(store, s.store());
    store.put("freeBytes", s.freeBytes());
    ArrayNode sets = o.putArray("sets");
    s.sets().forEach(set -> sets.add(SetsResource.json(set)));
    o.set("lastScrub", s.lastScrub().<ObjectNode>map(ScrubRunner.Last::json).orElse(null));
    ArrayNode rates = o.putArray("rates");
    s.rates().forEach(b -> rates.addObject().put("minute", b.start().toString()).put("hits", b.hits())
        .put("misses", b.misses()).put("violations", b.violations()));
    ArrayNode recent = o.putArray("violations");
    s.recent().forEach(v -> recent.add(violation(v, s.detail())));
    ObjectNode report = ViolationsResource.json(s.report());
    if (!s.detail()) {
      report.path("packages").forEach(p -> p.path("distfiles").forEach(d -> ((ObjectNode) d).remove("clients")));
    }
    o.set("report", report);
    return o;
  }

  private static ObjectNode violation(Violation v, boolean detail) {
    ObjectNode o = ViolationJson.toNode(v);
    if (!detail) {
      o.remove("client");
      o.remove("userAgent");
    }
    return o;
  }
}
