package org.distvault.prefetch.source;

import java.nio.charset.StandardCharsets;

/**
 * How a distfile name goes into a URL path.
 *
 * <p>pkgsrc never percent-encodes names: its fetch script appends the raw name to the site, and
 * a name such as {@code mysql%2B%2B-3.3.0.tar.gz} is written that way <em>because</em> the
 * upstream server decodes it to {@code mysql++-3.3.0.tar.gz}. A NetBSD-layout mirror (or a
 * DISTDIR) stores the file under that literal name, so there the {@code %} must itself be
 * encoded ({@code %25}) for the server, or the {@code file:} fetcher, to decode the path back to
 * the name. Hence two encodings.
 */
final class UrlPaths {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UrlPaths() {}

  /**
   * A DISTDIR-relative name as a mirror URL path: {@code /} separates directories, characters
   * outside RFC 3986's unreserved set, sub-delimiters (without {@code ;}), {@code :} and {@code @}
   * are percent-encoded as UTF-8, {@code %} included. Decoding the result gives the name back.
   */
  static String mirrorPath(String name) {
    return encode(name, true);
  }

  /**
   * A basename appended to an upstream site the way pkgsrc appends it: as written, except that
   * characters which cannot stand in a URL path at all are percent-encoded. A {@code %} that
   * starts a {@code %XX} escape is kept (the upstream decodes it, as it does for pkgsrc's fetch);
   * any other {@code %} becomes {@code %25}.
   */
  static String upstreamName(String basename) {
    return encode(basename, false);
  }

  private static String encode(String s, boolean mirror) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean keep = mirror ? keepInMirror(c) : keepUpstream(s, i);
      if (keep) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
      for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
      i = end - 1;
    }
    return out == null ? s : out.toString();
  }

  private static boolean keepInMirror(char c) {
    return isPathChar(c) || c == '/';
  }

  private static boolean keepUpstream(String s, int i) {
    char c = s.charAt(i);
    if (c == '%') {
      return i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2));
    }
    return isPathChar(c) || c == ';';
  }

  /** RFC 3986 pchar without '%' and ';': unreserved, sub-delims but ';', ':' and '@'. */
  private static boolean isPathChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "-._~!$&'()*+,=:@".indexOf(c) >= 0;
  }

  private static boolean isHex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
