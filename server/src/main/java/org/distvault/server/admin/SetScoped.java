package org.distvault.server.admin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Objects;
import java.util.Optional;
import org.distvault.server.mode.Actor;
import org.distvault.server.mode.SetService;
import org.distvault.storage.name.SetName;
import org.distvault.storage.vault.SourceSet;

/**
 * An ingest route of one set ({@code POST /api/v1/sets/<set>/manifest|have|outcomes}): checks the
 * {@code {set}} segment (400 invalid, 404 unknown unless the route creates sets), then hands the
 * request to the same handler as the un-prefixed route, built for that set with the set's upload
 * gate ({@link SetService#uploadRefusal}: 409 while offline or while the set is sealed).
 *
 * <p>The handler is built per request: it is a few small objects, and a set may come and go
 * between requests.
 */
public final class SetScoped implements HttpHandler {
  /**
   * Builds the handler of one request for set {@code name}: {@code set} is the set when the store
   * has it (always, unless the route creates sets).
   */
  @FunctionalInterface
  public interface Factory {
    HttpHandler forSet(SetName name, Optional<SourceSet> set, Actor actor, UploadGate gate);
  }

  private final SetService sets;
  private final boolean createsSet;
  private final Factory factory;

  /** @param createsSet whether the route takes an unknown set (the manifest route creates it) */
  public SetScoped(SetService sets, boolean createsSet, Factory factory) {
    this.sets = Objects.requireNonNull(sets, "sets");
    this.createsSet = createsSet;
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    SetName name;
    Optional<SourceSet> set;
    try {
      name = SetsResource.setName(exchange);
      set = sets.find(name);
      if (!createsSet && set.isEmpty()) {
        throw SetsResource.notFound(name);
      }
    } catch (ApiException e) {
      JsonReply.send(exchange, e.status(), e.body());
      return;
    }
    factory.forSet(name, set, ModeResource.actor(exchange), () -> sets.uploadRefusal(name)).handleRequest(exchange);
  }
}
