package org.distvault.prefetch.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.base.ParserBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.digest.Digest;
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
 * A line of the plain shape (nearly every one) is read by {@link PlainLine} without Jackson; any
 * other line, and every malformed one, by Jackson's parser, which names the fault.
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
    Fields plain = PlainLine.scan(buf, off, off + len);
    return plain != null ? plain.toEntry() : parseJson(buf, off, len);
  }

  /** {@link #parse} by Jackson's parser: any line, every fault named. */
  ExpectedDistfile parseJson(byte[] buf, int off, int len) throws LineException {
    try (JsonParser p = JSON.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new LineException("bad JSON: a line must be one JSON object");
      }
      Fields f = new Fields(buf, off, off + len);
      readFields(p, f);
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

  private static void readFields(JsonParser p, Fields f) throws IOException, LineException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "name" -> f.name = string(p, v, "name", f);
        case "size" -> f.size = size(p, v);
        case "digests" -> digests(p, v, f);
        case "pkgpaths" -> f.pkgpaths = strings(p, v, "pkgpaths", f);
        case "urls" -> f.urls = strings(p, v, "urls", f);
        default -> throw new LineException("unknown field '" + field + "'");
      }
    }
  }

  private static String string(JsonParser p, JsonToken v, String field, Fields f) throws IOException, LineException {
    if (v != JsonToken.VALUE_STRING) {
      throw new LineException(field + " must be a string, got " + describe(v));
    }
    return f.text(p);
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

  /**
   * Reads the digests object into {@code f}: the hex strings by name as given and, while every
   * value is plain hex of its known algorithm's length, the digests decoded from the line's bytes.
   */
  private static void digests(JsonParser p, JsonToken v, Fields f) throws IOException, LineException {
    if (v != JsonToken.START_OBJECT) {
      throw new LineException("digests must be an object, got " + describe(v));
    }
    Map<String, String> m = new LinkedHashMap<>();
    Map<DigestAlgorithm, String> keys = new EnumMap<>(DigestAlgorithm.class);
    f.decoded = new EnumMap<>(DigestAlgorithm.class);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String alg = p.currentName();
      JsonToken hex = p.nextToken();
      if (hex != JsonToken.VALUE_STRING) {
        throw new LineException("digest " + alg + " must be a hex string, got " + describe(hex));
      }
      String value = f.text(p);
      // Names are case-insensitive: "SHA512" and "sha512" are one algorithm, and Digests.fromHex
      // would keep whichever came last. Refused even with equal values, as a repeated key is.
      DigestAlgorithm known = DigestAlgorithm.byName(alg).orElse(null);
      String earlier = known == null ? null : keys.put(known, alg);
      if (earlier != null) {
        throw new LineException("digests '" + earlier + "' and '" + alg + "' are both " + known.distinfoName()
            + (m.get(earlier).equalsIgnoreCase(value) ? ": give each algorithm once" : " but differ"));
      }
      m.put(alg, value);
      byte[] bytes = known == null || f.decoded == null ? null : f.hex(known.hexLength());
      if (bytes == null) {
        f.decoded = null; // Digests.fromHex parses them all then, and names what is wrong
      } else {
        f.decoded.put(known, Digest.of(known, bytes));
      }
    }
    f.digests = m;
  }

  private static List<String> strings(JsonParser p, JsonToken v, String field, Fields f)
      throws IOException, LineException {
    if (v != JsonToken.START_ARRAY) {
      throw new LineException(field + " must be an array of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        throw new LineException(field + " must hold only strings, got " + describe(t));
      }
      out.add(f.text(p));
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

  /** Value of each ASCII hex digit, -1 for every other byte below 128. */
  private static final byte[] HEX_VALUE = new byte[128];

  static {
    Arrays.fill(HEX_VALUE, (byte) -1);
    for (int i = 0; i < 16; i++) {
      HEX_VALUE["0123456789abcdef".charAt(i)] = (byte) i;
      HEX_VALUE["0123456789ABCDEF".charAt(i)] = (byte) i;
    }
  }

  /**
   * The bytes {@code buf[from, from + hexLength)} decoded as hex digits, or null when one is not a
   * hex digit.
   */
  static byte[] hex(byte[] buf, int from, int hexLength) {
    byte[] out = new byte[hexLength / 2];
    for (int i = 0, at = from; i < out.length; i++, at += 2) {
      int hi = HEX_VALUE[buf[at] & 0x7f];
      int lo = HEX_VALUE[buf[at + 1] & 0x7f];
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** The raw fields of one line, validated together by {@link #toEntry()}, and the line's bytes. */
  static final class Fields {
    String name;
    OptionalLong size = OptionalLong.empty();
    Map<String, String> digests = Map.of();
    /** The digests decoded from the line's bytes, or null when one was not plain hex of its length. */
    EnumMap<DigestAlgorithm, Digest> decoded;
    List<String> pkgpaths = List.of();
    List<String> urls = List.of();

    private final byte[] buf;
    private final int off;
    private final int end;
    /** Where the text of the last string token lies in {@link #buf}, when {@link #text} took it from there. */
    private int textStart = -1;
    private int textEnd;

    Fields(byte[] buf, int off, int end) {
      this.buf = buf;
      this.off = off;
      this.end = end;
    }

    /**
     * The current string token's text. A string of printable ASCII without escapes (nearly every
     * one) is taken from the line's bytes as they are: the same text as the parser's, without the
     * parser decoding it into characters first. The parser still reads past it (and would refuse
     * what JSON does not allow, which such a string never is).
     */
    String text(JsonParser p) throws IOException {
      textStart = -1;
      if (p instanceof ParserBase base) {
        long at = off + base.getTokenCharacterOffset(); // just after the opening quote
        if (at > off && at <= end && buf[(int) at - 1] == '"') {
          int start = (int) at;
          for (int i = start; i < end; i++) {
            byte b = buf[i];
            if (b == '"') {
              textStart = start;
              textEnd = i;
              return new String(buf, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (b < 0x20 || b == '\\') { // a control character, an escape or a non-ASCII byte
              break;
            }
          }
        }
      }
      return p.getText();
    }

    /**
     * The bytes of the hex digits of the last string {@link #text} read, when it took it from the
     * line's bytes and it is {@code hexLength} hex digits; null otherwise.
     */
    byte[] hex(int hexLength) {
      if (textStart < 0 || textEnd - textStart != hexLength) {
        return null;
      }
      return LineParser.hex(buf, textStart, hexLength);
    }

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
        parsed = decoded != null ? Digests.of(decoded.values()) : Digests.fromHex(digests);
      } catch (IllegalArgumentException e) {
        throw new LineException(e.getMessage());
      }
      if (parsed.isEmpty() && size.isEmpty()) {
        throw new LineException("neither size nor digests: nothing to verify the file against");
      }
      String badUrl = null;
      for (String url : urls) {
        String problem = UpstreamUrls.problem(url);
        if (problem != null) {
          badUrl = "bad URL '" + printable(url) + "': " + problem;
          break;
        }
      }
      // The entry checks the PKGPATHs (a bad one is named before a bad URL) and, without a
      // problem found above, URLs it cannot refuse: nothing is checked twice here.
      DistfileName valid = DistfileName.of(name);
      ExpectedDistfile entry;
      try {
        entry = new ExpectedDistfile(valid, size, parsed,
            pkgpaths.size() == 1 ? Set.of(pkgpaths.get(0)) : new HashSet<>(pkgpaths),
            badUrl == null ? urls : List.of());
      } catch (IllegalArgumentException e) {
        throw new LineException("bad pkgpath: " + e.getMessage());
      }
      if (badUrl != null) {
        throw new LineException(badUrl);
      }
      return entry;
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
