package org.distvault.server.http;

import java.util.Locale;

/**
 * Which bytes of a blob a {@code Range} header selects (RFC 9110 §14.1.2, §14.2): all of them, one
 * satisfiable range, or none.
 *
 * <p>Only a single range is honoured. A header with several ranges is ignored and the whole blob is
 * sent with 200, which RFC 9110 allows ("a server MAY ignore the Range header field"): the fetch
 * tools pkgsrc uses only ever ask for one range when they resume. An unparseable header or another
 * range unit is ignored the same way.
 */
sealed interface RangeSelection {
  /** Send the whole blob with 200. */
  record Whole() implements RangeSelection {}

  /** Send bytes {@code first..last} (inclusive) with 206. */
  record Partial(long first, long last) implements RangeSelection {
    long length() {
      return last - first + 1;
    }
  }

  /** No byte of the blob is selected: 416 with {@code Content-Range: bytes *}{@code /size}. */
  record Unsatisfiable() implements RangeSelection {}

  /** Interprets a {@code Range} header value (may be null) against a blob of {@code size} bytes. */
  static RangeSelection of(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    int eq = header.indexOf('=');
    if (eq < 0 || !header.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
      return new Whole();
    }
    String spec = null;
    for (String part : header.substring(eq + 1).split(",", -1)) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue; // list syntax allows empty elements
      }
      if (spec != null) {
        return new Whole(); // several ranges: served whole, see class comment
      }
      spec = trimmed;
    }
    if (spec == null) {
      return new Whole();
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Whole();
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (firstText.isEmpty()) {
      long suffix = digits(lastText);
      if (suffix < 0) {
        return new Whole();
      }
      if (suffix == 0 || size == 0) {
        return new Unsatisfiable();
      }
      return new Partial(Math.max(0, size - suffix), size - 1);
    }
    long first = digits(firstText);
    long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
    if (first < 0 || last < 0 || last < first) {
      return new Whole();
    }
    if (first >= size) {
      return new Unsatisfiable();
    }
    return new Partial(first, Math.min(last, size - 1));
  }

  /** Parses 1*DIGIT, saturating at Long.MAX_VALUE; -1 if {@code s} is not all digits. */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
    }
    return value;
  }
}
