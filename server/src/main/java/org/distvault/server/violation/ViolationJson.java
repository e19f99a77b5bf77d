package org.distvault.server.violation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distvault.storage.name.SetName;

/**
 * The JSON form of a {@link Violation}, the same in the catalog, the JSON-lines log and the admin
 * API: {@code {"cursor":N,"time":"ISO-8601","kind":"not-prefetched","path":...,"name":...,
 * "pkgpath":...|null,"pkgpaths":[...],"set":"default","run":...|null,"client":"ip","userAgent":...|null,
 * "method":"GET","reason":...}}; {@code "set"} is always written, and a stored violation without
 * it (recorded before there were sets) reads as the default set's; an {@code egress} violation also has {@code "host"}, {@code
 * "port"}, {@code "url"} (null for a {@code CONNECT} tunnel) and {@code "mode"}, which the other
 * kinds never have. The catalog payload omits the cursor (the log assigns it).
 */
public final class ViolationJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ViolationJson() {}

  /** The violation as a JSON object; with the cursor unless it is 0: {@link #toBytes}, read back. */
  public static ObjectNode toNode(Violation v) {
    try {
      return (ObjectNode) JSON.readTree(toBytes(v));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read back violation " + v.name(), e);
    }
  }

  /**
   * One line of JSON (UTF-8, no newline), streamed without building a tree: every offline miss
   * encodes one on the request's thread. A violation whose texts need no escaping (the usual case)
   * is written by {@link PlainJson}, any other by Jackson; the bytes are the same.
   */
  public static byte[] toBytes(Violation v) {
    byte[] plain = PlainJson.encode(v);
    return plain != null ? plain : jacksonBytes(v);
  }

  /** {@link #toBytes} as Jackson's generator writes it. */
  static byte[] jacksonBytes(Violation v) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      if (v.cursor() > 0) {
        g.writeNumberField("cursor", v.cursor());
      }
      g.writeStringField("time", v.time().toString());
      g.writeStringField("kind", v.kind().wireName());
      g.writeStringField("path", v.path());
      g.writeStringField("name", v.name());
      g.writeStringField("pkgpath", v.pkgpath().orElse(null));
      g.writeArrayFieldStart("pkgpaths");
      for (String p : v.pkgpaths()) {
        g.writeString(p);
      }
      g.writeEndArray();
      g.writeStringField("set", v.set().value());
      g.writeStringField("run", v.run().orElse(null));
      g.writeStringField("client", v.client());
      g.writeStringField("userAgent", v.userAgent().orElse(null));
      g.writeStringField("method", v.method());
      g.writeStringField("reason", v.reason());
      if (v.egress().isPresent()) {
        Egress e = v.egress().get();
        g.writeStringField("host", e.host());
        g.writeNumberField("port", e.port());
        g.writeStringField("url", e.url().orElse(null));
        g.writeStringField("mode", e.mode());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode violation " + v.name(), e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a stored violation.
   *
   * @param cursor the log position it was read from (overrides any cursor in the payload)
   * @throws IllegalArgumentException naming what is wrong when the payload is not a violation
   */
  public static Violation fromBytes(long cursor, byte[] payload) {
    JsonNode o;
    try {
      o = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("violation " + cursor + " is not JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("violation " + cursor + " is not a JSON object: "
          + new String(payload, StandardCharsets.UTF_8));
    }
    ViolationKind kind = ViolationKind.byWireName(text(o, "kind").orElse(""))
        .orElseThrow(() -> new IllegalArgumentException("violation " + cursor + " has an unknown kind"));
    List<String> pkgpaths = new ArrayList<>();
    o.path("pkgpaths").forEach(p -> pkgpaths.add(p.asText()));
    return new Violation(
        cursor,
        Instant.parse(text(o, "time").orElseThrow(() -> missing(cursor, "time"))),
        kind,
        text(o, "path").orElse(""),
        text(o, "name").orElse(""),
        text(o, "pkgpath"),
        pkgpaths,
        set(cursor, o),
        text(o, "run"),
        text(o, "client").orElse(""),
        text(o, "userAgent"),
        text(o, "method").orElse(""),
        text(o, "reason").orElse(""),
        kind == ViolationKind.EGRESS ? Optional.of(egress(cursor, o)) : Optional.empty());
  }

  /** The set of a stored violation; one recorded before there were sets is the default set's. */
  private static SetName set(long cursor, JsonNode o) {
    Optional<String> set = text(o, "set");
    if (set.isEmpty()) {
      return SetName.DEFAULT;
    }
    String problem = SetName.problem(set.get());
    if (problem != null) {
      throw new IllegalArgumentException("violation " + cursor + " has an invalid set: " + problem);
    }
    return SetName.of(set.get());
  }

  private static Egress egress(long cursor, JsonNode o) {
    int port = o.path("port").asInt(0);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("egress violation " + cursor + " has no valid port");
    }
    return new Egress(text(o, "host").orElseThrow(() -> missing(cursor, "host")), port, text(o, "url"),
        text(o, "mode").orElse(""));
  }

  /** The cursor of a JSON line of the log file, 0 if it has none. */
  static long cursorOf(String line) {
    try {
      JsonNode o = JSON.readTree(line);
      return o != null && o.has("cursor") ? o.get("cursor").asLong() : 0;
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static Optional<String> text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
  }

  private static IllegalArgumentException missing(long cursor, String field) {
    return new IllegalArgumentException("violation " + cursor + " has no " + field);
  }
}
