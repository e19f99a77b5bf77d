package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;

/**
 * The fields of one JSON object of a {@code have} entry or an outcome line, read strictly: wrong
 * types, unknown fields and invalid values are {@link IllegalArgumentException}s whose message
 * names the field and the fault (the caller adds {@code entry N} or {@code line N}).
 */
final class JsonInput {
  private final JsonNode node;

  /** Wraps {@code node}, which must be an object with no field outside {@code allowed}. */
  JsonInput(JsonNode node, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("must be a JSON object, got " + describe(node));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new IllegalArgumentException("unknown field '" + field + "'");
      }
    }
    this.node = node;
  }

  /** The required {@code name}, a valid distfile name. */
  DistfileName name() {
    String name = string("name").orElseThrow(() -> new IllegalArgumentException("missing name"));
    return DistfileName.of(name);
  }

  /** An optional string field. */
  Optional<String> string(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string, got " + describe(v));
    }
    return Optional.of(v.asText());
  }

  /** The optional {@code digests} object ({@code {"sha512":"hex",...}}); empty when absent. */
  Digests digests() {
    JsonNode v = node.get("digests");
    if (v == null || v.isNull()) {
      return Digests.empty();
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException("digests must be an object, got " + describe(v));
    }
    Map<String, String> hex = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> d : v.properties()) {
      if (!d.getValue().isTextual()) {
        throw new IllegalArgumentException(
            "digest " + d.getKey() + " must be a hex string, got " + describe(d.getValue()));
      }
      hex.put(d.getKey(), d.getValue().asText());
    }
    return Digests.fromHex(hex);
  }

  /** The optional {@code size}, a non-negative integer. */
  OptionalLong size() {
    JsonNode v = node.get("size");
    if (v == null || v.isNull()) {
      return OptionalLong.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("size must be an integer of bytes, got " + describe(v));
    }
    long size = v.asLong();
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return OptionalLong.of(size);
  }

  /** The optional {@code pkgpaths} array of valid PKGPATHs, sorted; empty when absent. */
  Set<String> pkgpaths() {
    JsonNode v = node.get("pkgpaths");
    Set<String> out = new TreeSet<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(
          "pkgpaths must be an array of strings, got " + describe(v));
    }
    for (JsonNode p : v) {
      if (!p.isTextual()) {
        throw new IllegalArgumentException("pkgpaths must hold only strings, got " + describe(p));
      }
      out.add(ExpectedDistfile.checkPkgpath(p.asText()));
    }
    return out;
  }

  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    return switch (v.getNodeType()) {
      case OBJECT, POJO -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
