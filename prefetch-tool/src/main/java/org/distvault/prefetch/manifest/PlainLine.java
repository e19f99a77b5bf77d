package org.distvault.prefetch.manifest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;

/**
 * Reads a manifest line of the plain shape that {@code distvault manifest}, the bench and most
 * writers produce, without a JSON parser: one object of the known fields, each at most once; the
 * strings printable ASCII without escapes; the size a plain non-negative integer; every digest a
 * known algorithm, given once, as plain hex of its length; JSON whitespace between tokens allowed.
 *
 * <p>Anything else (another field, a repeat, an escape, a non-ASCII byte, {@code null}, a number
 * JSON spells otherwise, a bad digest, broken JSON) is not judged here: {@link #scan} returns null
 * and {@link LineParser} parses the line with Jackson as before, which names what is wrong. So a
 * line read here gives exactly the fields Jackson's parse would, and {@link LineParser.Fields#toEntry}
 * checks them the same way. Stateless.
 */
final class PlainLine {
  private static final byte[] NAME = ascii("name");
  private static final byte[] SIZE = ascii("size");
  private static final byte[] DIGESTS = ascii("digests");
  private static final byte[] PKGPATHS = ascii("pkgpaths");
  private static final byte[] URLS = ascii("urls");

  /** Longest size read here: 18 digits cannot overflow a long; longer ones go to Jackson. */
  private static final int MAX_SIZE_DIGITS = 18;

  private final byte[] b;
  private final int end;
  private int pos;
  /** The last string read: {@code b[start, stop)}. */
  private int start;
  private int stop;

  private PlainLine(byte[] b, int off, int end) {
    this.b = b;
    this.pos = off;
    this.end = end;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The fields of line {@code b[off, end)} when it has the plain shape, otherwise null. */
  static LineParser.Fields scan(byte[] b, int off, int end) {
    return new PlainLine(b, off, end).object(new LineParser.Fields(b, off, end));
  }

  private LineParser.Fields object(LineParser.Fields f) {
    if (!skip('{')) {
      return null;
    }
    int seen = 0;
    if (!skip('}')) {
      do {
        if (!string() || !skip(':')) {
          return null;
        }
        int field = field();
        if (field == 0 || (seen & field) != 0 || !value(field, f)) {
          return null;
        }
        seen |= field;
      } while (skip(','));
      if (!skip('}')) {
        return null;
      }
    }
    whitespace();
    return pos == end ? f : null;
  }

  /** Which known field the last string names (a bit), or 0. */
  private int field() {
    if (is(NAME)) {
      return 1;
    }
    if (is(SIZE)) {
      return 2;
    }
    if (is(DIGESTS)) {
      return 4;
    }
    if (is(PKGPATHS)) {
      return 8;
    }
    return is(URLS) ? 16 : 0;
  }

  private boolean value(int field, LineParser.Fields f) {
    switch (field) {
      case 1 -> {
        if (!string()) {
          return false;
        }
        f.name = text();
        return true;
      }
      case 2 -> {
        return size(f);
      }
      case 4 -> {
        return digests(f);
      }
      case 8 -> {
        f.pkgpaths = strings();
        return f.pkgpaths != null;
      }
      default -> {
        f.urls = strings();
        return f.urls != null;
      }
    }
  }

  private boolean size(LineParser.Fields f) {
    whitespace();
    int from = pos;
    long size = 0;
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
      size = size * 10 + (b[pos++] - '0');
    }
    int digits = pos - from;
    if (digits == 0 || digits > MAX_SIZE_DIGITS || (digits > 1 && b[from] == '0')) {
      return false;
    }
    f.size = OptionalLong.of(size);
    return true; // a fraction or exponent after it is not a ',' or '}': the caller returns null
  }

  private boolean digests(LineParser.Fields f) {
    if (!skip('{')) {
      return false;
    }
    EnumMap<DigestAlgorithm, Digest> decoded = new EnumMap<>(DigestAlgorithm.class);
    if (!skip('}')) {
      do {
        if (!string() || !skip(':')) {
          return false;
        }
        DigestAlgorithm a = DigestAlgorithm.byName(text()).orElse(null);
        if (a == null || decoded.containsKey(a) || !string() || stop - start != a.hexLength()) {
          return false;
        }
        byte[] bytes = LineParser.hex(b, start, a.hexLength());
        if (bytes == null) {
          return false;
        }
        decoded.put(a, Digest.of(a, bytes));
      } while (skip(','));
      if (!skip('}')) {
        return false;
      }
    }
    f.decoded = decoded;
    return true;
  }

  /** An array of plain strings, or null. */
  private List<String> strings() {
    if (!skip('[')) {
      return null;
    }
    List<String> out = new ArrayList<>(2);
    if (skip(']')) {
      return out;
    }
    do {
      if (!string()) {
        return null;
      }
      out.add(text());
    } while (skip(','));
    return skip(']') ? out : null;
  }

  /**
   * Reads a string of printable ASCII without escapes after optional whitespace into {@link
   * #start} and {@link #stop}; false when there is none.
   */
  private boolean string() {
    if (!skip('"')) {
      return false;
    }
    int from = pos;
    while (pos < end) {
      byte c = b[pos];
      if (c == '"') {
        start = from;
        stop = pos++;
        return true;
      }
      if (c < 0x20 || c == '\\') { // a control character, an escape or a non-ASCII byte
        return false;
      }
      pos++;
    }
    return false;
  }

  private String text() {
    return new String(b, start, stop - start, StandardCharsets.ISO_8859_1);
  }

  private boolean is(byte[] literal) {
    return stop - start == literal.length && java.util.Arrays.equals(b, start, stop, literal, 0, literal.length);
  }

  /** Skips whitespace, then {@code c} if it comes next: whether it did. */
  private boolean skip(char c) {
    whitespace();
    if (pos < end && b[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void whitespace() {
    while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r' || b[pos] == '\n')) {
      pos++;
    }
  }
}
