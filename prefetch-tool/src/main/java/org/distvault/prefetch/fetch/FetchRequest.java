package org.distvault.prefetch.fetch;

import java.net.URI;
import java.util.Objects;
import java.util.OptionalLong;
import org.distvault.storage.name.DistfileName;

/**
 * One URL to fetch for one distfile.
 *
 * @param url the upstream URL, used verbatim for http(s) (pkgsrc does not re-encode names)
 * @param name the distfile it should deliver (decides whether an HTML page can be legitimate)
 * @param expectedSize the size the distinfo promises; when present the fetch fails as soon as
 *     the host announces or sends a different length
 */
public record FetchRequest(URI url, DistfileName name, OptionalLong expectedSize) {

  public FetchRequest {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expectedSize, "expectedSize");
  }
}
