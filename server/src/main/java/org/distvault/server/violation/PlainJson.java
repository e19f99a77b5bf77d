package org.distvault.server.violation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes a violation's JSON without Jackson when every text in it is plain: printable ASCII
 * without {@code "} and {@code \}, which Jackson writes as it is, so the bytes are the ones {@link
 * ViolationJson#jacksonBytes} writes (a test compares them). A text with any other character
 * (control, non-ASCII, quote, backslash) makes {@link #encode} give up, and the caller lets Jackson
 * escape it. Every offline miss encodes one violation on the HTTP I/O thread; this is that path.
 *
 * <p>The time is written as {@link Instant#toString} writes it, from a cached text of its second.
 */
final class PlainJson {
  /** The text of one second, as {@link Instant#toString} writes it, without the {@code Z}. */
  private record Second(long epochSecond, byte[] text) {}

  private static volatile Second lastSecond = second(0);

  private byte[] buf;
  private int pos;

  private PlainJson(int capacity) {
    buf = new byte[capacity];
  }

  /** The JSON of {@code v}, or null when a text needs escaping (then Jackson writes it). */
  static byte[] encode(Violation v) {
    PlainJson w = new PlainJson(256 + v.path().length() + v.name().length() + v.reason().length()
        + v.userAgent().map(String::length).orElse(0));
    if (!w.fields(v)) {
      return null;
    }
    return Arrays.copyOf(w.buf, w.pos);
  }

  private boolean fields(Violation v) {
    raw('{');
    if (v.cursor() > 0) {
      raw("\"cursor\":");
      raw(Long.toString(v.cursor()));
      raw(',');
    }
    raw("\"time\":\"");
    time(v.time());
    raw('"');
    if (!field("kind", v.kind().wireName()) || !field("path", v.path()) || !field("name", v.name())
        || !field("pkgpath", v.pkgpath().orElse(null))) {
      return false;
    }
    raw(",\"pkgpaths\":[");
    for (int i = 0; i < v.pkgpaths().size(); i++) {
      if (i > 0) {
        raw(',');
      }
      if (!string(v.pkgpaths().get(i))) {
        return false;
      }
    }
    raw(']');
    if (!field("set", v.set().value()) || !field("run", v.run().orElse(null))
        || !field("client", v.client()) || !field("userAgent", v.userAgent().orElse(null))
        || !field("method", v.method()) || !field("reason", v.reason())) {
      return false;
    }
    if (v.egress().isPresent()) {
      Egress e = v.egress().get();
      if (!field("host", e.host())) {
        return false;
      }
      raw(",\"port\":");
      raw(Integer.toString(e.port()));
      if (!field("url", e.url().orElse(null)) || !field("mode", e.mode())) {
        return false;
      }
    }
    raw('}');
    return true;
  }

  /** {@code ,"name":"value"} (or {@code null}); false when the value is not plain. */
  private boolean field(String name, String value) {
    raw(",\"");
    raw(name);
    raw("\":");
    if (value == null) {
      raw("null");
      return true;
    }
    return string(value);
  }

  /** A quoted text; false (the buffer left half-written) when a character would need escaping. */
  private boolean string(String s) {
    int n = s.length();
    room(n + 2);
    buf[pos++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
      buf[pos++] = (byte) c;
    }
    buf[pos++] = '"';
    return true;
  }

  /** As {@link Instant#toString}: the second's text, then the nanoseconds in groups of three digits, then Z. */
  private void time(Instant t) {
    Second s = lastSecond;
    if (s.epochSecond != t.getEpochSecond()) {
      s = second(t.getEpochSecond());
      lastSecond = s;
    }
    room(s.text.length + 11);
    System.arraycopy(s.text, 0, buf, pos, s.text.length);
    pos += s.text.length;
    int nano = t.getNano();
    if (nano > 0) {
      buf[pos++] = '.';
      if (nano % 1_000_000 == 0) {
        digits(nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        digits(nano / 1000, 6);
      } else {
        digits(nano, 9);
      }
    }
    buf[pos++] = 'Z';
  }

  private static Second second(long epochSecond) {
    String text = Instant.ofEpochSecond(epochSecond).toString(); // ends with Z: no fraction at 0 nanoseconds
    return new Second(epochSecond, text.substring(0, text.length() - 1).getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code value} in exactly {@code count} decimal digits, with leading zeros. */
  private void digits(int value, int count) {
    for (int i = pos + count - 1, v = value; i >= pos; i--, v /= 10) {
      buf[i] = (byte) ('0' + v % 10);
    }
    pos += count;
  }

  /** ASCII the encoder itself chose (field names, punctuation, numbers). */
  private void raw(String ascii) {
    int n = ascii.length();
    room(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) ascii.charAt(i);
    }
  }

  private void raw(char c) {
    room(1);
    buf[pos++] = (byte) c;
  }

  private void room(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
