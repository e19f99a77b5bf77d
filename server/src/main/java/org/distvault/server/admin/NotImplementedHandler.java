package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

/** A placeholder for an admin route whose handler is not wired yet: 501 with a JSON error. */
public final class NotImplementedHandler implements HttpHandler {
  private final String what;

  /** @param what the route, e.g. {@code PUT /api/v1/blobs/sha512/<hex>} */
  public NotImplementedHandler(String what) {
    this.what = what;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    JsonExchange.error(exchange, StatusCodes.NOT_IMPLEMENTED, "not implemented yet: " + what);
  }
}
