package org.distvault.server.trap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.distvault.server.DistvaultServer;
import org.distvault.server.ServerConfig;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;

/** A real {@link DistvaultServer} on loopback ports with its egress trap proxy. */
final class TrapServer implements AutoCloseable {
  final DistvaultServer server;
  final TrapProxy trap;

  private TrapServer(DistvaultServer server) {
    this.server = server;
    this.trap = server.trap().orElseThrow();
  }

  /** Starts on {@code data} in {@code mode} with a trap proxy configured by {@code trap} (port 0). */
  static TrapServer start(Path data, Mode mode, TrapConfig trap) throws IOException {
    return new TrapServer(DistvaultServer.start(ServerConfig.defaults(data).withPort(0).withMode(mode).withTrap(trap)));
  }

  /** The trap's defaults on 127.0.0.1, any free port, allowing {@code allow}. */
  static TrapConfig config(AllowList allow) {
    return TrapConfig.defaults("127.0.0.1", 0, allow);
  }

  int port() {
    return trap.address().getPort();
  }

  /**
   * The proxy URL as ops/pkgsrc/mk.conf.egress writes it: {@code pkgpath} percent-encoded as the user
   * name and a password (ignored by the proxy; wget, pip and git send no credentials without one).
   */
  String proxyUrl(String pkgpath) {
    return "http://" + pkgpath.replace("/", "%2F") + ":egress@127.0.0.1:" + port();
  }

  /** Every violation recorded after {@code cursor}. */
  List<Violation> violationsAfter(long cursor) {
    return server.violations().read(cursor, 1000);
  }

  long lastCursor() {
    return server.violations().lastCursor();
  }

  String metrics() {
    return server.registry().scrape();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
