package org.distvault.server.trap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.distvault.server.health.Unavailable;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Egress;
import org.distvault.server.violation.Violation;
import org.distvault.server.violation.ViolationKind;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.storage.name.SetName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted trap proxy connection: reads the request head, then refuses and records it (an
 * egress violation, durable before the 403), or tunnels it (a {@code CONNECT} to an allow-listed
 * host), or answers a bad request. One request per connection; the connection is closed after it.
 */
final class ProxyConnection implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

  /** What a connection needs from its proxy: shared by all of them. */
  record Shared(
      TrapConfig config,
      ProxyRequestParser parser,
      ViolationRecorder recorder,
      Supplier<Mode> mode,
      Clock clock,
      TrapObserver observer,
      ExecutorService pumps,
      Set<Tunnel> tunnels,
      Set<Socket> open,
      Runnable done) {}

  private final Shared shared;
  private final Socket socket;

  ProxyConnection(Shared shared, Socket socket) {
    this.shared = shared;
    this.socket = socket;
  }

  @Override
  public void run() {
    try (socket) {
      shared.observer().request(handle());
    } catch (IOException e) {
      log.debug("trap proxy connection from {}: {}", client(), e.toString());
      shared.observer().request(TrapOutcome.CLOSED);
    } catch (RuntimeException e) {
      log.error("trap proxy connection from {} failed: {}", client(), e.toString(), e);
      shared.observer().request(TrapOutcome.ERROR);
    } finally {
      shared.open().remove(socket);
      shared.done().run();
    }
  }

  private TrapOutcome handle() throws IOException {
    long deadline = System.nanoTime() + shared.config().headerDeadline().toNanos();
    ProxyRequest request;
    try {
      Optional<ProxyRequest> r = shared.parser().read(socket, deadline);
      if (r.isEmpty()) {
        return TrapOutcome.CLOSED;
      }
      request = r.get();
    } catch (BadProxyRequestException e) {
      log.info("trap proxy: bad request from {}: {} ({})", client(), e.getMessage(), e.status());
      answer(e.status(), "bad proxy request: " + e.getMessage());
      return switch (e.status()) {
        case 408 -> TrapOutcome.TIMEOUT;
        case 431 -> TrapOutcome.HEADERS_TOO_LARGE;
        default -> TrapOutcome.BAD_REQUEST;
      };
    }
    socket.setSoTimeout(0);
    ProxyCredentials who = ProxyCredentials.of(request.proxyAuthorization());
    AllowList allow = shared.config().allow();
    if (allow.permits(request.host(), request.port())) {
      if (request.form() == ProxyRequest.Form.CONNECT) {
        return tunnel(request, who);
      }
      log.warn("trap proxy: {} from {} ({}) not forwarded: allow-listed hosts are reached through CONNECT only",
          request.attempt(), client(), who.pkgpath().orElse("unattributed"));
      answer(403, "not forwarded: " + request.attempt()
          + " (distvault trap proxy forwards allow-listed hosts through CONNECT only; use https or a tunnel)");
      return TrapOutcome.NOT_FORWARDED;
    }
    return refuse(request, who);
  }

  /** Records the egress violation (durably), then answers 403. */
  private TrapOutcome refuse(ProxyRequest request, ProxyCredentials who) {
    Mode mode = shared.mode().get();
    String attributed = who.pkgpath().map(p -> "attributed to " + p)
        .orElse("not attributed: " + who.problem().orElse("no PKGPATH as proxy user name"));
    String reason = request.attempt() + " refused by the trap proxy (" + mode.wireName() + " mode"
        + who.problem().map(p -> "; " + p).orElse("") + ")";
    Violation v = new Violation(0, shared.clock().instant(), ViolationKind.EGRESS, request.target(),
        request.url().orElse(request.authority()), who.pkgpath(), List.of(), SetName.DEFAULT, Optional.empty(),
        client(), request.userAgent(), request.method(), reason,
        Optional.of(new Egress(request.host(), request.port(), request.url(), mode.wireName())));
    try {
      shared.recorder().record(v);
    } catch (Unavailable e) {
      // Degraded (the catalog cannot write): Health logged the change once, not once per attempt.
      answer(503, "egress: " + request.attempt() + " refused, but " + e.getMessage());
      return TrapOutcome.ERROR;
    } catch (RuntimeException e) {
      log.error("trap proxy: could not record the egress violation {} from {}: {}", request.attempt(), client(),
          e.toString(), e);
      answer(500, "egress: " + request.attempt()
          + " refused, but distvault could not record it: " + String.valueOf(e.getMessage()).replaceAll("[\\r\\n]", " "));
      return TrapOutcome.ERROR;
    }
    answer(403, "egress: " + request.attempt() + " refused (distvault trap proxy; "
        + attributed + ")");
    return TrapOutcome.REFUSED;
  }

  private TrapOutcome tunnel(ProxyRequest request, ProxyCredentials who) throws IOException {
    String pkg = who.pkgpath().orElse("unattributed");
    try (Socket host = new Socket()) {
      shared.open().add(host);
      try {
        host.connect(new InetSocketAddress(request.host(), request.port()),
            (int) shared.config().connectTimeout().toMillis());
      } catch (SocketTimeoutException e) {
        return connectFailed(request, pkg, 504, "timed out after " + shared.config().connectTimeout().toSeconds() + " s");
      } catch (IOException e) {
        return connectFailed(request, pkg, 502, e.toString());
      }
      host.setTcpNoDelay(true);
      ProxyReply.established(socket);
      Tunnel tunnel = new Tunnel(socket, host, shared.config().idleTimeout().toNanos());
      shared.tunnels().add(tunnel);
      TunnelResult result;
      try {
        result = tunnel.run(request.leftover(), shared.pumps());
      } catch (RejectedExecutionException e) {
        log.warn("trap proxy: no pump thread for the tunnel to {}: closing it", request.authority());
        result = TunnelResult.CLOSED;
      } finally {
        shared.tunnels().remove(tunnel);
        shared.open().remove(host);
      }
      log.info("trap proxy: tunnel {} for {} from {} ended ({}): {} bytes up, {} bytes down", request.authority(),
          pkg, client(), result.label(), tunnel.bytesUp(), tunnel.bytesDown());
      shared.observer().tunnel(result, tunnel.bytesUp(), tunnel.bytesDown());
      return TrapOutcome.TUNNELLED;
    }
  }

  private TrapOutcome connectFailed(ProxyRequest request, String pkg, int status, String why) {
    log.warn("trap proxy: allow-listed {} for {} from {} unreachable: {}", request.authority(), pkg, client(), why);
    shared.observer().tunnel(TunnelResult.CONNECT_FAILED, 0, 0);
    answer(status, "cannot reach allow-listed " + request.authority() + ": " + why);
    return TrapOutcome.UPSTREAM_FAILED;
  }

  /**
   * Sends an answer. A client that hangs up while it is sent or drained changes nothing about what
   * was decided (and, for an egress attempt, already recorded): the outcome stands.
   */
  private void answer(int status, String line) {
    try {
      ProxyReply.send(socket, status, line);
    } catch (IOException e) {
      log.debug("trap proxy: answering {} to {}: {}", status, client(), e.toString());
    }
  }

  private String client() {
    return socket.getInetAddress().getHostAddress();
  }
}
