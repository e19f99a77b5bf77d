package org.distvault.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Refuses requests from client addresses outside {@code serve --allow-from} with a 403 and a
 * one-line reason. A refusal is not a violation (the client is not a build host of this cache);
 * it is counted with the other requests, as outcome {@code forbidden}.
 */
public final class AllowFromHandler implements HttpHandler {
  private final AddressRanges allowed;
  private final HttpHandler next;

  public AllowFromHandler(AddressRanges allowed, HttpHandler next) {
    this.allowed = Objects.requireNonNull(allowed, "allowed");
    this.next = Objects.requireNonNull(next, "next");
  }

  /** {@code next} itself when every address is allowed, so that the default costs nothing per request. */
  public static HttpHandler wrap(AddressRanges allowed, HttpHandler next) {
    return allowed.any() ? next : new AllowFromHandler(allowed, next);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    InetSocketAddress peer = exchange.getSourceAddress();
    if (peer == null || peer.getAddress() == null || !allowed.allows(peer.getAddress())) {
      OneLineReply.send(exchange, 403, "forbidden: client address "
          + (peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress())
          + " is not in this cache's --allow-from list");
      return;
    }
    next.handleRequest(exchange);
  }
}
