package org.distvault.prefetch.throttle;

import java.net.URI;
import java.util.Locale;

/** The key the per-host limits are kept under: {@code host:port} (lower case), or {@code file} for local files. */
public final class HostKey {
  private HostKey() {}

  public static String of(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") || url.getHost() == null) {
      return scheme.isEmpty() ? "unknown" : scheme;
    }
    int port = url.getPort();
    if (port < 0) {
      port = switch (scheme) {
        case "https" -> 443;
        case "ftp" -> 21;
        default -> 80;
      };
    }
    return url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }
}
