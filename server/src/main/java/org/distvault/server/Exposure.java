package org.distvault.server;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.distvault.server.http.AddressRanges;
import org.distvault.server.status.StatusAccess;

/**
 * How the server faces the network beyond its address: HTTPS ({@code --tls-cert}, {@code
 * --tls-key}), the admin API on a listener of its own ({@code --admin-listen}), and which client
 * addresses may use the public listener ({@code --allow-from}), and who may see the status page
 * ({@code --status-page}).
 *
 * @param tls the TLS context of every listener, if HTTPS
 * @param adminListen where {@code /api/v1/} is served instead of the public listener, if apart
 *     (an unresolved host and a port; 0 picks a free one)
 * @param allowFrom the client addresses the public listener serves; others get 403
 * @param statusPage who may see {@code /}, {@code /status} and {@code /status.json}
 */
public record Exposure(Optional<SSLContext> tls, Optional<InetSocketAddress> adminListen, AddressRanges allowFrom,
    StatusAccess statusPage) {
  /** Plain HTTP, one listener, every client address, a public status page. */
  public static final Exposure DEFAULT = new Exposure(Optional.empty(), Optional.empty(), AddressRanges.ANY,
      StatusAccess.PUBLIC);

  /**
   * Connections the admin listener accepts at once: the CLI makes one or a few at a time, and a
   * prefetch uploads with at most its --jobs.
   */
  public static final int ADMIN_CONNECTIONS = 64;

  public Exposure {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(adminListen, "adminListen");
    Objects.requireNonNull(allowFrom, "allowFrom");
    Objects.requireNonNull(statusPage, "statusPage");
  }

  public Exposure withTls(SSLContext context) {
    return new Exposure(Optional.of(context), adminListen, allowFrom, statusPage);
  }

  public Exposure withAdminListen(String host, int port) {
    return new Exposure(tls, Optional.of(InetSocketAddress.createUnresolved(host, port)), allowFrom, statusPage);
  }

  public Exposure withAllowFrom(AddressRanges ranges) {
    return new Exposure(tls, adminListen, ranges, statusPage);
  }

  public Exposure withStatusPage(StatusAccess access) {
    return new Exposure(tls, adminListen, allowFrom, access);
  }
}
