package org.distvault.server.http;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Resolution;

/**
 * A request on a serving route that the {@link BlobSource} could not answer, with what is known
 * about who asked: the input of a {@link MissHandler}.
 *
 * @param target the parsed request target (names, PKGPATH and run id of the URL)
 * @param method the request method, {@code GET} or {@code HEAD}
 * @param path the request path exactly as sent, without the query string
 * @param client the client's IP address as text
 * @param userAgent the {@code User-Agent} header, if sent
 * @param lookups the store's answer for each name the request was looked up under, in the order of
 *     {@link DistfileRequest#candidates()}; empty for {@code /by-hash/} and for sources without a
 *     catalog
 */
public record Miss(
    RequestTarget target, String method, String path, String client, Optional<String> userAgent,
    List<Resolution> lookups) {
  public Miss {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(userAgent, "userAgent");
    lookups = List.copyOf(lookups);
  }

  /**
   * The source set the request looked in: the one of its {@code /set/<set>/}, else the default set
   * (also for {@code /by-hash/}, which belongs to no set).
   */
  public SetName set() {
    return target instanceof DistfileRequest r ? r.set() : SetName.DEFAULT;
  }
}
