package org.distvault.server.trap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.codec.DecoderException;
import org.apache.commons.codec.net.PercentCodec;
import org.distvault.server.http.PkgPath;

/**
 * The PKGPATH a build named as its proxy user: {@code http_proxy=http://devel%2Fcmake@cache:3128}
 * makes curl, wget, git, pip, cargo, go and npm send {@code Proxy-Authorization: Basic
 * base64("devel/cmake:")}. The user name is percent-decoded (clients differ in whether they decode
 * it first) and must be a PKGPATH as the {@code /pkg/} route accepts it; the password is ignored.
 * Credentials are never required: a request without them is recorded unattributed.
 */
record ProxyCredentials(Optional<String> pkgpath, Optional<String> problem) {
  static final ProxyCredentials NONE = new ProxyCredentials(Optional.empty(), Optional.empty());
  /** RFC 3986 percent-decoding: strict about escapes, and {@code +} stays a plus. */
  private static final PercentCodec PERCENT = new PercentCodec();

  /** Decodes a {@code Proxy-Authorization} header value, if any. */
  static ProxyCredentials of(Optional<String> header) {
    if (header.isEmpty()) {
      return NONE;
    }
    String h = header.get().strip();
    int space = h.indexOf(' ');
    if (space < 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
      return problem("the proxy credentials are not Basic");
    }
    String user;
    try {
      String decoded = new String(Base64.getDecoder().decode(h.substring(space + 1).strip()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      user = colon < 0 ? decoded : decoded.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return problem("the proxy credentials are not valid base64");
    }
    Optional<String> path = percentDecoded(user).flatMap(ProxyCredentials::pkgPath);
    return path.isPresent()
        ? new ProxyCredentials(path, Optional.empty())
        : problem("the proxy user name is not a PKGPATH (category/package)");
  }

  private static ProxyCredentials problem(String why) {
    return new ProxyCredentials(Optional.empty(), Optional.of(why));
  }

  private static Optional<String> pkgPath(String user) {
    int slash = user.indexOf('/');
    if (slash < 0 || user.indexOf('/', slash + 1) >= 0) {
      return Optional.empty();
    }
    String category = user.substring(0, slash);
    String pkg = user.substring(slash + 1);
    if (!PkgPath.isValidPart(category) || !PkgPath.isValidPart(pkg)) {
      return Optional.empty();
    }
    return Optional.of(new PkgPath(category, pkg).toString());
  }

  /** {@code %XX} escapes decoded (UTF-8); empty when an escape is malformed. */
  private static Optional<String> percentDecoded(String s) {
    if (s.indexOf('%') < 0) {
      return Optional.of(s);
    }
    if (s.chars().anyMatch(c -> c >= 0x80)) {
      return Optional.empty(); // a PKGPATH is ASCII
    }
    try {
      return Optional.of(new String(PERCENT.decode(s.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8));
    } catch (DecoderException e) {
      return Optional.empty();
    }
  }
}
