package org.distvault.server;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.distvault.server.http.AddressRanges;

/**
 * How the server faces the network beyond its address: HTTPS ({@code --tls-cert}, {@code
 * --tls-key}), the admin API on a listener of its own ({@code --admin-listen}), and which client
 * addresses may use the public listener ({@code --allow-from}).
 *
 * @param tls the TLS context of every listener, if HTTPS
 * @param adminListen where {@code /api/v1/} is served instead of the public listener, if apart
 *     (an unresolved host and a port; 0 picks a free one)
 * @param allowFrom the client addresses the public listener serves; others get 403
 */
public record Exposure(Optional<SSLContext> tls, Optional<InetSocketAddress> adminListen, AddressRanges allowFrom) {
  /** Plain HTTP, one listener, every client address: the server as it was before these flags. */
  public static final Exposure DEFAULT = new Exposure(Optional.empty(), Optional.empty(), AddressRanges.ANY);

  /**
   * Connections the admin listener accepts at once: the CLI makes one or a few at a time, and a
   * prefetch uploads with at most its --jobs.
   */
  public static final int ADMIN_CONNECTIONS = 64;

  public Exposure {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(adminListen, "adminListen");
    Objects.requireNonNull(allowFrom, "allowFrom");
  }

  public Exposure withTls(SSLContext context) {
    return new Exposure(Optional.of(context), adminListen, allowFrom);
  }

  public Exposure withAdminListen(String host, int port) {
    return new Exposure(tls, Optional.of(InetSocketAddress.createUnresolved(host, port)), allowFrom);
  }

  public Exposure withAllowFrom(AddressRanges ranges) {
    return new Exposure(tls, adminListen, ranges);
  }
}
