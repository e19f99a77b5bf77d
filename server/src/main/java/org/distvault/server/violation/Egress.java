package org.distvault.server.violation;

import java.util.Objects;
import java.util.Optional;

/**
 * What an egress violation tried to reach through the trap proxy: the target host and port, the
 * URL when the request showed it (plain HTTP; a {@code CONNECT} tunnel hides it), and the mode the
 * server was in.
 *
 * @param host the target host as the client named it (a name or an address literal)
 * @param port the target TCP port, 1-65535
 * @param url the absolute URL of a plain-HTTP request
 * @param mode the server's mode when the attempt was refused ({@code online} or {@code offline})
 */
public record Egress(String host, int port, Optional<String> url, String mode) {
  public Egress {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(mode, "mode");
  }

  /** {@code host:port}, with an IPv6 literal in brackets. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
