package org.distvault.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;

/**
 * A wrapping handler that reports every exchange to a {@link RequestObserver} when it ends, for
 * any reason (answered, client gone, server stopping), so the wrapped handlers make no metrics
 * calls of their own.
 */
public final class ObservingHandler implements HttpHandler {
  private final HttpHandler next;
  private final RequestObserver observer;

  public ObservingHandler(HttpHandler next, RequestObserver observer) {
    this.next = Objects.requireNonNull(next, "next");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long start = System.nanoTime();
    RouteKind route = RouteKind.of(exchange.getRequestURI());
    exchange.addExchangeCompleteListener((done, nextListener) -> {
      try {
        FileTransfer body = done.getAttachment(FileTransfer.KEY);
        observer.completed(route, done.getStatusCode(), body == null ? 0 : body.sent(), System.nanoTime() - start);
      } finally {
        nextListener.proceed();
      }
    });
    next.handleRequest(exchange);
  }
}
