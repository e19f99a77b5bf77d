package org.distvault.prefetch.manifest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Which upstream URLs the prefetch tool accepts: absolute {@code http}, {@code https}, {@code
 * ftp} URLs with a host, and {@code file} URLs with an absolute path (an existing DISTDIR).
 */
public final class UpstreamUrls {
  /** The schemes a manifest URL may have. */
  public static final Set<String> SCHEMES = Set.of("http", "https", "ftp", "file");

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
}
