package org.distvault.server.trap;

import java.util.Objects;
import java.util.Optional;

/**
 * A proxy request head as parsed: the request line, the target it names and the headers the trap
 * uses.
 *
 * @param method the request method, e.g. {@code CONNECT} or {@code GET}
 * @param target the request target exactly as sent
 * @param form {@link Form#CONNECT} ({@code host:port}) or {@link Form#ABSOLUTE} ({@code http://...})
 * @param host the target host (lower case; an IPv6 literal without brackets)
 * @param port the target port (the scheme's default when the URL has none)
 * @param url the absolute URL without user information ({@link Form#ABSOLUTE} only)
 * @param userAgent the {@code User-Agent} header
 * @param proxyAuthorization the {@code Proxy-Authorization} header
 * @param leftover bytes the client sent after the head (a tunnel's first bytes), possibly none
 */
record ProxyRequest(
    String method,
    String target,
    Form form,
    String host,
    int port,
    Optional<String> url,
    Optional<String> userAgent,
    Optional<String> proxyAuthorization,
    byte[] leftover) {

  /** The two request-target forms a proxy accepts. */
  enum Form {
    /** {@code CONNECT host:port}: a tunnel, the URL stays hidden. */
    CONNECT,
    /** {@code GET http://host/path}: plain HTTP through the proxy, the URL is visible. */
    ABSOLUTE
  }

  ProxyRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(proxyAuthorization, "proxyAuthorization");
    Objects.requireNonNull(leftover, "leftover");
  }

  /** {@code host:port}, with an IPv6 literal in brackets. */
  String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** What was attempted, for logs and answers: {@code CONNECT github.com:443} or {@code GET http://...}. */
  String attempt() {
    return method + " " + (form == Form.CONNECT ? authority() : url.orElse(target));
  }
}
