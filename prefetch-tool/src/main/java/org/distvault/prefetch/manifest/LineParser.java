package org.distvault.prefetch.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;

/**
 * Parses one manifest line (UTF-8 JSON object bytes) into an {@link ExpectedDistfile}.
 *
 * <p>Strict on purpose: unknown fields, repeated fields and wrong types are errors, so a typo
 * such as {@code "digest"} cannot silently drop the checksums. Digest names are case-insensitive,
 * so two spellings of one algorithm ({@code "SHA512"} and {@code "sha512"}) count as a repeat.
 * Thread-safe (the factory is).
 */
final class LineParser {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** A malformed line; the message is the problem text of a {@link ManifestError}. */
  static final class LineException extends Exception {
    private static final long serialVersionUID = 1L;

    LineException(String problem) {
      super(problem, null, false, false);
    }
  }

  ExpectedDistfile parse(byte[] buf, int off, int len) throws LineException {
    try (JsonParser p = JSON.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new LineException("bad JSON: a line must be one JSON object");
      }
      Fields f = readFields(p);
      if (p.nextToken() != null) {
        throw new LineException("bad JSON: text after the object");
      }
      return f.toEntry();
    } catch (JsonProcessingException e) {
      throw new LineException("bad JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // Parsing an in-memory array cannot fail with plain I/O; keep the message if it does.
      throw new LineException("bad JSON: " + e.getMessage());
    }
  }

  private static Fields readFields(JsonParser p) throws IOException, LineException {
    Fields f = new Fields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "name" -> f.name = string(p, v, "name");
        case "size" -> f.size = size(p, v);
        case "digests" -> f.digests = digests(p, v);
        case "pkgpaths" -> f.pkgpaths = strings(p, v, "pkgpaths");
        case "urls" -> f.urls = strings(p, v, "urls");
        default -> throw new LineException("unknown field '" + field + "'");
      }
    }
    return f;
  }

  private static String string(JsonParser p, JsonToken v, String field) throws IOException, LineException {
    if (v != JsonToken.VALUE_STRING) {
      throw new LineException(field + " must be a string, got " + describe(v));
    }
    return p.getText();
  }

  private static OptionalLong size(JsonParser p, JsonToken v) throws IOException, LineException {
    if (v == JsonToken.VALUE_NULL) {
      return OptionalLong.empty();
    }
    if (v != JsonToken.VALUE_NUMBER_INT) {
      throw new LineException("size must be an integer, got " + describe(v));
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new LineException("size " + p.getText() + " is out of range");
    }
    long size = p.getLongValue();
    if (size < 0) {
      throw new LineException("negative size " + size);
    }
    return OptionalLong.of(size);
  }

  private static Map<String, String> digests(JsonParser p, JsonToken v) throws IOException, LineException {
    if (v != JsonToken.START_OBJECT) {
      throw new LineException("digests must be an object, got " + describe(v));
    }
    Map<String, String> m = new LinkedHashMap<>();
    Map<DigestAlgorithm, String> keys = new EnumMap<>(DigestAlgorithm.class);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String alg = p.currentName();
      JsonToken hex = p.nextToken();
      if (hex != JsonToken.VALUE_STRING) {
        throw new LineException("digest " + alg + " must be a hex string, got " + describe(hex));
      }
      String value = p.getText();
      // Names are case-insensitive: "SHA512" and "sha512" are one algorithm, and Digests.fromHex
      // would keep whichever came last. Refused even with equal values, as a repeated key is.
      DigestAlgorithm known = DigestAlgorithm.byName(alg).orElse(null);
      String earlier = known == null ? null : keys.put(known, alg);
      if (earlier != null) {
        throw new LineException("digests '" + earlier + "' and '" + alg + "' are both " + known.distinfoName()
            + (m.get(earlier).equalsIgnoreCase(value) ? ": give each algorithm once" : " but differ"));
      }
      m.put(alg, value);
    }
    return m;
  }

  private static List<String> strings(JsonParser p, JsonToken v, String field) throws IOException, LineException {
    if (v != JsonToken.START_ARRAY) {
      throw new LineException(field + " must be an array of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        throw new LineException(field + " must hold only strings, got " + describe(t));
      }
      out.add(p.getText());
    }
    return out;
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** The raw fields of one line, validated together by {@link #toEntry()}. */
  private static final class Fields {
    String name;
    OptionalLong size = OptionalLong.empty();
    Map<String, String> digests = Map.of();
    List<String> pkgpaths = List.of();
    List<String> urls = List.of();

    ExpectedDistfile toEntry() throws LineException {
      if (name == null) {
        throw new LineException("missing name");
      }
      String nameProblem = DistfileName.problem(name);
      if (nameProblem != null) {
        throw new LineException("invalid name '" + printable(name) + "': " + nameProblem);
      }
      Digests parsed;
      try {
        parsed = Digests.fromHex(digests);
      } catch (IllegalArgumentException e) {
        throw new LineException(e.getMessage());
      }
      if (parsed.isEmpty() && size.isEmpty()) {
        throw new LineException("neither size nor digests: nothing to verify the file against");
      }
      for (String pkgpath : pkgpaths) {
        try {
          ExpectedDistfile.checkPkgpath(pkgpath);
        } catch (IllegalArgumentException e) {
          throw new LineException("bad pkgpath: " + e.getMessage());
        }
      }
      for (String url : urls) {
        String problem = UpstreamUrls.problem(url);
        if (problem != null) {
          throw new LineException("bad URL '" + printable(url) + "': " + problem);
        }
      }
      return new ExpectedDistfile(DistfileName.of(name), size, parsed, new java.util.TreeSet<>(pkgpaths), urls);
    }
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int limit = Math.min(s.length(), 200);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return s.length() > limit ? b.append("...").toString() : b.toString();
  }
}
