package org.distvault.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distvault.server.admin.JsonEndpoint.Reply;
import org.distvault.server.mode.SetService;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.SetSummary;
import org.distvault.storage.record.Variant;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * {@code /api/v1/sets...}: the source sets, sealing and unsealing one (audited with the caller's
 * token id and address), deleting one, and a set's audit trail. The set's ingest routes ({@code
 * .../manifest|have|outcomes}) are {@link SetScoped}.
 */
public final class SetsResource {
  private static final Set<String> PUT_FIELDS = Set.of("state", "reason");
  static final int DEFAULT_AUDIT_LIMIT = 1000;

  private final SetService sets;

  public SetsResource(SetService sets) {
    this.sets = Objects.requireNonNull(sets, "sets");
  }

  /** {@code GET /api/v1/sets}: {@code {"sets":[SET...]}} sorted by name. */
  public HttpHandler list() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> {
      ObjectNode reply = JsonReply.object();
      ArrayNode out = reply.putArray("sets");
      sets.list().forEach(s -> out.add(json(s)));
      return Reply.ok(reply);
    });
  }

  /** {@code GET /api/v1/sets/<set>}: SET, or 404. */
  public HttpHandler get() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> Reply.ok(json(existing(exchange).summary())));
  }

  /** {@code PUT /api/v1/sets/<set>/state} with {@code {"state":"sealed|filling","reason":"optional"}}. */
  public HttpHandler putState() {
    return JsonEndpoint.of(Methods.PUT, (exchange, body) -> {
      SetName name = setName(exchange);
      ObjectNode o = JsonReply.readObject(body);
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!PUT_FIELDS.contains(f)) {
          throw ApiException.badRequest("unknown field '" + f + "': expected state and reason");
        }
      }
      JsonNode s = o.get("state");
      String state = s != null && s.isTextual() ? s.asText() : "";
      if (!state.equals("sealed") && !state.equals("filling")) {
        throw ApiException.badRequest("field 'state' must be \"sealed\" or \"filling\"");
      }
      SetService.Change c;
      try {
        c = sets.change(name, state.equals("sealed"), ModeResource.actor(exchange), reason(o));
      } catch (NoSuchElementException e) {
        throw notFound(name);
      } catch (IllegalStateException e) {
        throw ApiException.refused(e.getMessage());
      }
      ObjectNode reply = JsonReply.object();
      reply.put("name", c.name().value());
      reply.put("state", c.state());
      reply.set("seal", json(c.seal()));
      reply.set("previousSeal", json(c.previousSeal()));
      reply.put("changed", c.changed());
      return Reply.ok(reply);
    });
  }

  /** {@code DELETE /api/v1/sets/<set>}: {@code {"name","deleted":N}}; 409 sealed, 400 default, 404 unknown. */
  public HttpHandler delete() {
    return JsonEndpoint.of(Methods.DELETE, (exchange, body) -> {
      SetName name = setName(exchange);
      long deleted;
      try {
        deleted = sets.delete(name, ModeResource.actor(exchange), Optional.empty());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      } catch (NoSuchElementException e) {
        throw notFound(name);
      } catch (IllegalStateException e) {
        throw ApiException.refused(e.getMessage());
      }
      ObjectNode reply = JsonReply.object();
      reply.put("name", name.value());
      reply.put("deleted", deleted);
      return Reply.ok(reply);
    });
  }

  /** {@code GET /api/v1/sets/<set>/audit?since=<cursor>&limit=<n>}. */
  public HttpHandler audit() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> {
      SetName name = existing(exchange).name();
      QueryParams q = QueryParams.of(exchange, Set.of("since", "limit"));
      long since = q.number("since", 0, Long.MAX_VALUE, 0);
      int limit = (int) q.number("limit", 1, Vault.MAX_PAGE, DEFAULT_AUDIT_LIMIT);
      SetService.AuditPage page = sets.audit(name, since, limit);
      ObjectNode reply = JsonReply.object();
      reply.putArray("entries").addAll(page.entries());
      reply.put("next", page.next());
      return Reply.ok(reply);
    });
  }

  /**
   * {@code POST /api/v1/sets/<set>/entries} with {@code {"names":[...]}} (at most {@value
   * #MAX_ENTRY_NAMES}): {@code {"entries":[LINE...],"unknown":[name...]}}, a manifest line (name,
   * pkgpaths, size, digests, urls) for every variant the set expects under each name, and the names
   * it does not expect. What {@code distvault refill} fetches again.
   */
  public HttpHandler entries() {
    return JsonEndpoint.of(Methods.POST, (exchange, body) -> {
      SourceSet set = existing(exchange);
      JsonNode names = JsonReply.readObject(body).get("names");
      if (names == null || !names.isArray()) {
        throw ApiException.badRequest("field 'names' must be an array of distfile names");
      }
      if (names.size() > MAX_ENTRY_NAMES) {
        throw ApiException.badRequest("at most " + MAX_ENTRY_NAMES + " names per request, got " + names.size());
      }
      ObjectNode reply = JsonReply.object();
      ArrayNode entries = reply.putArray("entries");
      ArrayNode unknown = reply.putArray("unknown");
      for (int i = 0; i < names.size(); i++) {
        JsonNode n = names.get(i);
        String problem = n.isTextual() ? DistfileName.problem(n.asText()) : "not a string";
        if (problem != null) {
          throw ApiException.badRequest("names[" + i + "]: " + problem);
        }
        Optional<DistfileRecord> r = set.distfile(DistfileName.of(n.asText()));
        if (r.isEmpty()) {
          unknown.add(n.asText());
        } else {
          r.get().variants().forEach(v -> entries.add(manifestLine(r.get().name(), v)));
        }
      }
      return Reply.ok(reply);
    });
  }

  /** Default distfile names per listing page. */
  static final int DEFAULT_LISTING_LIMIT = 1000;

  /**
   * {@code GET /api/v1/sets/<set>/listing?after=<name>&limit=<n>}: the whole set, paged by
   * distfile name (bytewise): {@code {"name","state","seal":{...}|null,"entries":[ENTRY...],
   * "next":name|null}}, one ENTRY {@code {"name","variant","pkgpaths","size","digests","urls",
   * "sha512"}} per variant of each name: {@code sha512} is the blob the variant is bound to, or
   * null when it is unbound; for a bound variant {@code size} is the blob's and {@code digests}
   * every digest the expectation and the blob record know. What {@code distvault export} reads;
   * the seal in each page lets it check that the set did not change between pages.
   */
  public HttpHandler listing() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> {
      SourceSet set = existing(exchange);
      QueryParams q = QueryParams.of(exchange, Set.of("after", "limit"));
      int limit = (int) q.number("limit", 1, Vault.MAX_PAGE, DEFAULT_LISTING_LIMIT);
      Optional<String> rawAfter = q.text("after");
      if (rawAfter.isPresent() && DistfileName.problem(rawAfter.get()) != null) {
        throw ApiException.badRequest("query parameter 'after': " + DistfileName.problem(rawAfter.get()));
      }
      Optional<DistfileName> after = rawAfter.map(DistfileName::of);
      // The seal is read before the page: a page read after a change has another seal than its
      // predecessors, which the reader sees.
      Optional<Seal> seal = set.sealed();
      List<DistfileRecord> page = set.listDistfiles(after, limit);
      ObjectNode reply = JsonReply.object();
      reply.put("name", set.name().value());
      reply.put("state", seal.isPresent() ? "sealed" : "filling");
      reply.set("seal", json(seal));
      ArrayNode entries = reply.putArray("entries");
      for (DistfileRecord r : page) {
        for (Variant v : r.variants()) {
          entries.add(listingEntry(r.name(), v));
        }
      }
      if (page.size() < limit) {
        reply.putNull("next");
      } else {
        reply.put("next", page.get(page.size() - 1).name().value());
      }
      return Reply.ok(reply);
    });
  }

  private ObjectNode listingEntry(DistfileName name, Variant v) {
    Optional<BlobRecord> blob = v.blob().flatMap(sets::blob);
    ObjectNode o = manifestLine(name, v);
    o.put("variant", v.id());
    if (blob.isPresent()) {
      o.put("size", blob.get().size());
      ObjectNode digests = o.putObject("digests");
      Digests all = v.digests();
      try {
        all = all.merge(blob.get().digests());
      } catch (IllegalArgumentException conflict) {
        // Cannot happen for a binding the catalog accepted; the blob's own digests are the truth.
        all = blob.get().digests();
      }
      all.toHexMap().forEach(digests::put);
      o.put("sha512", blob.get().sha512().hex());
    } else if (v.blob().isPresent()) {
      // Bound, but the blob record is gone (a scrub dropped it from a sealed set): say which.
      o.put("sha512", v.blob().get().hex());
      o.put("blobMissing", true);
    } else {
      o.putNull("sha512");
    }
    return o;
  }

  /** Most names one entries request may ask for. */
  static final int MAX_ENTRY_NAMES = 10_000;

  /** One variant as a manifest line (the form {@code distvault prefetch --manifest} reads). */
  private static ObjectNode manifestLine(DistfileName name, Variant v) {
    ObjectNode o = JsonReply.object();
    o.put("name", name.value());
    ArrayNode pkgpaths = o.putArray("pkgpaths");
    v.pkgpaths().forEach(pkgpaths::add);
    v.size().ifPresent(size -> o.put("size", size));
    ObjectNode digests = o.putObject("digests");
    v.digests().toHexMap().forEach(digests::put);
    ArrayNode urls = o.putArray("urls");
    v.urls().forEach(urls::add);
    return o;
  }

  private SourceSet existing(HttpServerExchange exchange) throws ApiException {
    SetName name = setName(exchange);
    return sets.find(name).orElseThrow(() -> notFound(name));
  }

  /** The {@code {set}} segment of the request path, validated (400 naming the problem). */
  static SetName setName(HttpServerExchange exchange) throws ApiException {
    String raw = Objects.requireNonNull(exchange.getAttachment(AdminRoute.SET), "route without {set}");
    String problem = SetName.problem(raw);
    if (problem != null) {
      throw ApiException.badRequest("invalid set name '" + raw + "': " + problem);
    }
    return SetName.of(raw);
  }

  static ApiException notFound(SetName name) {
    return new ApiException(404, "not_found", "no set " + name);
  }

  private static Optional<String> reason(ObjectNode o) throws ApiException {
    JsonNode r = o.get("reason");
    if (r != null && !r.isNull() && (!r.isTextual() || r.asText().length() > ModeResource.MAX_REASON)) {
      throw ApiException.badRequest(
          "field 'reason' must be a string of at most " + ModeResource.MAX_REASON + " characters");
    }
    return r == null || r.isNull() || r.asText().isBlank() ? Optional.empty() : Optional.of(r.asText().strip());
  }

  /** SET: {@code {"name","state","created","entries","present","failed","missing","bytes","seal"}}. */
  public static ObjectNode json(SetSummary s) {
    ObjectNode o = JsonReply.object();
    o.put("name", s.name().value());
    o.put("state", s.state());
    o.put("created", s.created().toString());
    o.put("entries", s.entries());
    o.put("present", s.present());
    o.put("failed", s.failed());
    o.put("missing", s.missing());
    o.put("bytes", s.bytes());
    o.set("seal", json(s.seal()));
    return o;
  }

  private static JsonNode json(Optional<Seal> seal) {
    return seal.<JsonNode>map(ModeResource::json).orElse(JsonReply.JSON.nullNode());
  }
}
