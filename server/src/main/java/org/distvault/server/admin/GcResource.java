package org.distvault.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.distvault.server.admin.JsonEndpoint.Reply;
import org.distvault.server.gc.GcService;
import org.distvault.storage.vault.GcReport;
import org.distvault.storage.vault.VaultBusyException;

/**
 * {@code POST /api/v1/gc} with {@code {"keepSeals":N,"apply":true|false}} (both optional: 2 and
 * false): counts the garbage blobs and, with {@code apply}, deletes them; answers {@code
 * {"applied","keepSeals","garbage":{"count","bytes"},"largest":[{"sha512","size","names"}],
 * "keptBy":{"<set>":{"count","bytes","by"}},"freed":{"count","bytes"},
 * "sealListings":{"unreferenced","pruned"}}} ({@code by}: {@code
 * filling}, {@code seal} and {@code previous seals}, joined by ", "). 409 while another collection
 * or a scrub runs; 400 for an unknown field or a bad value.
 */
public final class GcResource {
  private static final Set<String> FIELDS = Set.of("keepSeals", "apply");
  /** More seals than a set remembers keep nothing more. */
  static final int MAX_KEEP_SEALS = 16;

  private final GcService gc;

  public GcResource(GcService gc) {
    this.gc = Objects.requireNonNull(gc, "gc");
  }

  public HttpHandler post() {
    return JsonEndpoint.of(Methods.POST, (exchange, body) -> {
      byte[] bytes = body.readAllBytes();
      ObjectNode o = new String(bytes, StandardCharsets.UTF_8).isBlank()
          ? JsonReply.JSON.createObjectNode() : JsonReply.readObject(new ByteArrayInputStream(bytes));
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!FIELDS.contains(f)) {
          throw ApiException.badRequest("unknown field '" + f + "': expected keepSeals and apply");
        }
      }
      int keepSeals = GcService.DEFAULT_KEEP_SEALS;
      JsonNode k = o.get("keepSeals");
      if (k != null) {
        if (!k.isIntegralNumber() || k.asLong() < 0 || k.asLong() > MAX_KEEP_SEALS) {
          throw ApiException.badRequest("field 'keepSeals' must be an integer from 0 to " + MAX_KEEP_SEALS);
        }
        keepSeals = k.asInt();
      }
      JsonNode a = o.get("apply");
      if (a != null && !a.isBoolean()) {
        throw ApiException.badRequest("field 'apply' must be true or false");
      }
      GcReport report;
      try {
        report = gc.run(keepSeals, a != null && a.asBoolean());
      } catch (VaultBusyException e) {
        throw new ApiException(409, "busy", e.getMessage());
      } catch (IllegalStateException e) {
        throw new ApiException(409, "conflict", e.getMessage());
      }
      return Reply.ok(json(report));
    });
  }

  static Map<String, Object> json(GcReport r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("applied", r.applied());
    out.put("keepSeals", r.keepSeals());
    Map<String, Object> garbage = new LinkedHashMap<>();
    garbage.put("count", r.garbageCount());
    garbage.put("bytes", r.garbageBytes());
    out.put("garbage", garbage);
    List<Map<String, Object>> largest = new ArrayList<>();
    for (GcReport.Garbage g : r.largest()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sha512", g.sha512().hex());
      m.put("size", g.size());
      m.put("names", g.names());
      largest.add(m);
    }
    out.put("largest", largest);
    Map<String, Object> kept = new TreeMap<>();
    r.keptBy().forEach((set, k) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("count", k.count());
      m.put("bytes", k.bytes());
      m.put("by", k.by().stream().sorted().map(GcReport.Reason::label).collect(Collectors.joining(", ")));
      kept.put(set.value(), m);
    });
    out.put("keptBy", kept);
    Map<String, Object> freed = new LinkedHashMap<>();
    freed.put("count", r.freedCount());
    freed.put("bytes", r.freedBytes());
    out.put("freed", freed);
    Map<String, Object> listings = new LinkedHashMap<>();
    listings.put("unreferenced", r.listingsUnreferenced());
    listings.put("pruned", r.listingsPruned());
    out.put("sealListings", listings);
    return out;
  }
}
