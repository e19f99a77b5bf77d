package org.distvault.prefetch.manifest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Which upstream URLs the prefetch tool accepts: absolute {@code http}, {@code https}, {@code
 * ftp} URLs with a host, and {@code file} URLs with an absolute path (an existing DISTDIR).
 *
 * <p>The common URL ({@code http://host.example.org/path/file-1.0.tar.gz}: a lower-case scheme, a
 * host name or dotted IPv4 address, an optional port, a path of plain URI characters) is accepted
 * by a scan of its characters; {@link URI} parses every other URL, and gives every error message.
 * The scan accepts only URLs that {@link URI} parses the same way, so the verdict is the same.
 */
public final class UpstreamUrls {
  /** The schemes a manifest URL may have. */
  public static final Set<String> SCHEMES = Set.of("http", "https", "ftp", "file");

  /**
   * The schemes the server itself fetches (read-through, a server-side prefetch): the network's.
   * A {@code file://} URL is for the prefetch tool importing a DISTDIR, never for the server to
   * read its own files for a client.
   */
  public static final Set<String> NETWORK_SCHEMES = Set.of("http", "https", "ftp");

  private UpstreamUrls() {}

  /** Why {@code url} is not acceptable, or {@code null} when it is. */
  public static String problem(String url) {
    if (url.isEmpty()) {
      return "empty";
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return "contains whitespace or a control character at position " + i;
      }
    }
    if (plainServerUrl(url)) {
      return null;
    }
    return parsedProblem(url);
  }

  /** {@link #problem} by {@link URI}'s parse, for a URL without whitespace or control characters. */
  static String parsedProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return e.getMessage();
    }
    if (uri.getScheme() == null) {
      return "not absolute (no scheme)";
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      return "unsupported scheme '" + uri.getScheme() + "' (http, https, ftp or file)";
    }
    if (scheme.equals("file")) {
      return uri.getPath() == null || !uri.getPath().startsWith("/") ? "file URL without an absolute path" : null;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "no host";
    }
    if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
      return "no file path";
    }
    return null;
  }

  /**
   * Whether {@code url} is {@code http://}, {@code https://} or {@code ftp://}, then a host name
   * (labels of letters, digits and inner hyphens, the first starting with a letter, the last too
   * when there are several) or a dotted IPv4 address, an optional port of 1-5 digits, and a path
   * longer than "/" of unreserved and sub-delimiter characters, {@code :@/} and {@code %XX}
   * escapes, with no query or fragment: a URL {@link URI} parses with that host and path, and
   * {@link #parsedProblem} accepts. False says nothing about the URL.
   */
  static boolean plainServerUrl(String url) {
    int at;
    if (url.startsWith("http://")) {
      at = 7;
    } else if (url.startsWith("https://")) {
      at = 8;
    } else if (url.startsWith("ftp://")) {
      at = 6;
    } else {
      return false;
    }
    int n = url.length();
    int slash = url.indexOf('/', at);
    if (slash < 0 || slash == n - 1) {
      return false; // no path, or only "/"
    }
    int colon = url.lastIndexOf(':', slash);
    int hostEnd = colon >= at ? colon : slash;
    if (colon >= at && !port(url, colon + 1, slash)) {
      return false;
    }
    if (!ipv4(url, at, hostEnd) && !hostname(url, at, hostEnd)) {
      return false;
    }
    for (int i = slash; i < n; i++) {
      char c = url.charAt(i);
      if (c == '%') {
        if (i + 2 >= n || !hex(url.charAt(i + 1)) || !hex(url.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (!pathChar(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean port(String s, int from, int to) {
    if (to - from < 1 || to - from > 5) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!digit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Four decimal octets of at most 255, without leading zeros. */
  private static boolean ipv4(String s, int from, int to) {
    int octets = 0;
    int i = from;
    while (true) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 3 && digit(s.charAt(i))) {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
        return false;
      }
      octets++;
      if (octets == 4) {
        return i == to;
      }
      if (i >= to || s.charAt(i) != '.') {
        return false;
      }
      i++;
    }
  }

  /**
   * Labels of ASCII letters, digits and inner hyphens joined by single dots, without a final dot;
   * the first label starts with a letter (so it is never read as an IPv4 address), and so does
   * the last when there are several ({@link URI}'s rule for the top label).
   */
  private static boolean hostname(String s, int from, int to) {
    if (from >= to || !letter(s.charAt(from))) {
      return false;
    }
    int labelStart = from;
    for (int i = from; i <= to; i++) {
      char c = i < to ? s.charAt(i) : '.';
      if (c == '.') {
        if (i == labelStart || s.charAt(i - 1) == '-') {
          return false; // an empty label or one ending with a hyphen
        }
        if (i == to && !letter(s.charAt(labelStart))) {
          return false; // the top label of a dotted name starts with a letter
        }
        labelStart = i + 1;
      } else if (c == '-') {
        if (i == labelStart) {
          return false;
        }
      } else if (!letter(c) && !digit(c)) {
        return false;
      }
    }
    return true;
  }

  /** Characters a URI path holds as they are: unreserved, sub-delimiters (no '?' or '#'), ':', '@', '/'. */
  private static boolean pathChar(char c) {
    return letter(c) || digit(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
  }

  private static boolean letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean hex(char c) {
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
