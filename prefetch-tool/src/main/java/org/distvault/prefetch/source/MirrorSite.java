package org.distvault.prefetch.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.distvault.prefetch.manifest.UpstreamUrls;

/**
 * A site in the NetBSD distfiles layout (a mirror, {@code MASTER_SITE_BACKUP}, or an existing
 * DISTDIR as a {@code file:} URL): the file {@code [DIST_SUBDIR/]name} is at {@code base +
 * [DIST_SUBDIR/]name}.
 *
 * @param base an absolute {@code http}, {@code https}, {@code ftp} or {@code file} URL ending
 *     in {@code /}, without query or fragment
 */
public record MirrorSite(String base) {

  public MirrorSite {
    Objects.requireNonNull(base, "base");
    String problem = problem(base);
    if (problem != null) {
      throw new IllegalArgumentException("mirror site '" + base + "': " + problem);
    }
  }

  /**
   * Reads a site as an operator writes it: a URL, to which a missing final {@code /} is added
   * (pkgsrc's fetch only concatenates; mktool adds the slash too), or an absolute directory
   * path, taken as a {@code file:} URL.
   *
   * @throws IllegalArgumentException naming the site and what is wrong with it
   */
  public static MirrorSite parse(String site) {
    Objects.requireNonNull(site, "site");
    String s = site.strip();
    if (s.startsWith("/")) {
      s = Path.of(s).toUri().toString();
    }
    return new MirrorSite(s.endsWith("/") ? s : s + "/");
  }

  /** The URL of a DISTDIR-relative name on this site; the name is percent-encoded as needed. */
  public String url(String relativeName) {
    return base + UrlPaths.mirrorPath(relativeName);
  }

  private static String problem(String base) {
    if (!base.endsWith("/")) {
      return "must end with '/'";
    }
    String general = UpstreamUrls.problem(base + "x");
    if (general != null) {
      return general;
    }
    URI uri;
    try {
      uri = new URI(base);
    } catch (URISyntaxException e) {
      return e.getMessage();
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "a mirror site cannot have a query or a fragment";
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") && uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
      return "a file URL must not name a host";
    }
    return null;
  }
}
