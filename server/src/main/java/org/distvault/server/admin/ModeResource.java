package org.distvault.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distvault.server.admin.JsonEndpoint.Reply;
import org.distvault.server.mode.Actor;
import org.distvault.server.mode.Mode;
import org.distvault.server.mode.ModeService;
import org.distvault.server.mode.ModeState;
import org.distvault.storage.record.Seal;

/**
 * {@code GET/PUT /api/v1/mode} and {@code GET /api/v1/seal}: the mode, changing it (audited with
 * the caller's token id and address), and the seal.
 */
public final class ModeResource {
  /** Longest accepted reason, in characters. */
  static final int MAX_REASON = 1000;

  private static final Set<String> PUT_FIELDS = Set.of("mode", "reason");

  private final ModeService modes;

  public ModeResource(ModeService modes) {
    this.modes = Objects.requireNonNull(modes, "modes");
  }

  /** {@code GET /api/v1/mode}. */
  public HttpHandler get() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> Reply.ok(json(modes.state())));
  }

  /** {@code PUT /api/v1/mode} with {@code {"mode":"online|offline","reason":"optional"}}. */
  public HttpHandler put() {
    return JsonEndpoint.of(Methods.PUT, (exchange, body) -> {
      ObjectNode o = JsonReply.readObject(body);
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!PUT_FIELDS.contains(f)) {
          throw ApiException.badRequest("unknown field '" + f + "': expected mode and reason");
        }
      }
      JsonNode m = o.get("mode");
      Optional<Mode> mode = m != null && m.isTextual() ? Mode.byWireName(m.asText()) : Optional.empty();
      if (mode.isEmpty()) {
        throw ApiException.badRequest("field 'mode' must be \"online\" or \"offline\"");
      }
      JsonNode r = o.get("reason");
      if (r != null && !r.isNull() && (!r.isTextual() || r.asText().length() > MAX_REASON)) {
        throw ApiException.badRequest(
            "field 'reason' must be a string of at most " + MAX_REASON + " characters");
      }
      Optional<String> reason = r == null || r.isNull() || r.asText().isBlank()
          ? Optional.empty() : Optional.of(r.asText().strip());
      try {
        return Reply.ok(json(modes.change(mode.get(), actor(exchange), reason)));
      } catch (ModeService.PinnedException e) {
        throw ApiException.refused(e.getMessage());
      }
    });
  }

  /** {@code GET /api/v1/seal}: the last seal, or 404 if the cache was never sealed. */
  public HttpHandler seal() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> Reply.ok(json(modes.lastSeal().orElseThrow(
        () -> new ApiException(404, "not_found", "never sealed: switch to offline to seal")))));
  }

  static Actor actor(HttpServerExchange exchange) {
    String id = Optional.ofNullable(exchange.getAttachment(BearerAuth.TOKEN_ID)).orElse("unauthenticated");
    var source = exchange.getSourceAddress();
    String client = source == null || source.getAddress() == null ? "unknown" : source.getAddress().getHostAddress();
    return new Actor(id, client);
  }

  static ObjectNode json(ModeState s) {
    ObjectNode o = JsonReply.object();
    o.put("mode", s.mode().wireName());
    o.put("changedAt", s.changedAt().toString());
    o.put("changedBy", s.changedBy());
    o.put("reason", s.reason().orElse(null));
    if (s.seal().isPresent()) {
      o.set("seal", json(s.seal().get()));
    } else {
      o.putNull("seal");
    }
    return o;
  }

  static ObjectNode json(Seal s) {
    ObjectNode o = JsonReply.object();
    o.put("digest", s.digest());
    o.put("entries", s.entries());
    o.put("at", s.at().toString());
    return o;
  }
}
