package org.distvault.prefetch.source;

import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.EncoderException;
import org.apache.commons.codec.net.PercentCodec;

/**
 * How a distfile name goes into a URL path.
 *
 * <p>pkgsrc never percent-encodes names: its fetch script appends the raw name to the site, and
 * a name such as {@code mysql%2B%2B-3.3.0.tar.gz} is written that way <em>because</em> the
 * upstream server decodes it to {@code mysql++-3.3.0.tar.gz}. A NetBSD-layout mirror (or a
 * DISTDIR) stores the file under that literal name, so there the {@code %} must itself be
 * encoded ({@code %25}) for the server, or the {@code file:} fetcher, to decode the path back to
 * the name. Hence two encodings.
 *
 * <p>What stays as written is this project's rule; the percent-encoding itself (UTF-8 bytes,
 * upper-case hex) is Commons Codec's {@link PercentCodec}, told which ASCII characters to encode.
 */
final class UrlPaths {
  private static final PercentCodec MIRROR = encoding(c -> isPathChar(c) || c == '/');
  private static final PercentCodec UPSTREAM = encoding(c -> isPathChar(c) || c == ';');
  /** An escape an upstream server decodes, so pkgsrc's fetch relies on it: kept as written. */
  private static final Pattern ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");

  private UrlPaths() {}

  /**
   * A DISTDIR-relative name as a mirror URL path: {@code /} separates directories, characters
   * outside RFC 3986's unreserved set, sub-delimiters (without {@code ;}), {@code :} and {@code @}
   * are percent-encoded as UTF-8, {@code %} included. Decoding the result gives the name back.
   */
  static String mirrorPath(String name) {
    return encode(MIRROR, name);
  }

  /**
   * A basename appended to an upstream site the way pkgsrc appends it: as written, except that
   * characters which cannot stand in a URL path at all are percent-encoded. A {@code %} that
   * starts a {@code %XX} escape is kept (the upstream decodes it, as it does for pkgsrc's fetch);
   * any other {@code %} becomes {@code %25}.
   */
  static String upstreamName(String basename) {
    StringBuilder out = new StringBuilder(basename.length() + 16);
    Matcher escape = ESCAPE.matcher(basename);
    int from = 0;
    while (escape.find()) {
      out.append(encode(UPSTREAM, basename.substring(from, escape.start()))).append(escape.group());
      from = escape.end();
    }
    return out.append(encode(UPSTREAM, basename.substring(from))).toString();
  }

  /** A codec that encodes every ASCII character {@code keep} rejects, {@code %} and non-ASCII. */
  private static PercentCodec encoding(IntPredicate keep) {
    StringBuilder encoded = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      if (!keep.test(c)) {
        encoded.append(c);
      }
    }
    return new PercentCodec(encoded.toString().getBytes(StandardCharsets.US_ASCII), false);
  }

  private static String encode(PercentCodec codec, String s) {
    try {
      return new String(codec.encode(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
    } catch (EncoderException e) {
      throw new IllegalStateException("percent-encoding cannot fail on bytes", e);
    }
  }

  /** RFC 3986 pchar without '%' and ';': unreserved, sub-delims but ';', ':' and '@'. */
  private static boolean isPathChar(int c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "-._~!$&'()*+,=:@".indexOf(c) >= 0;
  }
}
