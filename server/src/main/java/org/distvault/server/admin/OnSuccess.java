package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;

/** A wrapping handler that runs an action when its exchange ends with a 2xx status (e.g. "a scrub finished"). */
public final class OnSuccess implements HttpHandler {
  private final HttpHandler next;
  private final Runnable action;

  public OnSuccess(HttpHandler next, Runnable action) {
    this.next = Objects.requireNonNull(next, "next");
    this.action = Objects.requireNonNull(action, "action");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.addExchangeCompleteListener((done, nextListener) -> {
      try {
        if (done.getStatusCode() >= 200 && done.getStatusCode() < 300) {
          action.run();
        }
      } finally {
        nextListener.proceed();
      }
    });
    next.handleRequest(exchange);
  }
}
