package org.distvault.server.http;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;

/**
 * A request for a distfile by name: {@code /distfiles/<name>}, {@code /pkg/<cat>/<pkg>/<name>},
 * either one under {@code /run/<id>/}, and any of these under {@code /set/<set>/}.
 *
 * <p>pkgsrc does not percent-encode names ({@code mysql%2B%2B-3.3.0.tar.gz} is a literal name), so
 * the name is looked up as sent first and percent-decoded second: see {@link #candidates()}.
 *
 * @param set the source set the request looks in: from {@code /set/<set>/}, else {@link SetName#DEFAULT}
 * @param runId the bulk-build run id from {@code /run/<id>/}, if any
 * @param pkgPath the PKGPATH from {@code /pkg/<cat>/<pkg>/}, if any
 * @param rawName the name exactly as sent (not percent-decoded)
 * @param decodedName the percent-decoded (UTF-8) name, present only when it differs from the raw one
 */
public record DistfileRequest(
    SetName set,
    Optional<String> runId,
    Optional<PkgPath> pkgPath,
    DistfileName rawName,
    Optional<DistfileName> decodedName)
    implements RequestTarget {
  public DistfileRequest {
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(pkgPath, "pkgPath");
    Objects.requireNonNull(rawName, "rawName");
    Objects.requireNonNull(decodedName, "decodedName");
    if (decodedName.isPresent() && decodedName.get().equals(rawName)) {
      throw new IllegalArgumentException("decodedName must differ from rawName: " + rawName);
    }
  }

  /** The names to look up, in order: the raw name, then the decoded one if it differs. */
  public List<DistfileName> candidates() {
    return decodedName.map(d -> List.of(rawName, d)).orElseGet(() -> List.of(rawName));
  }
}
