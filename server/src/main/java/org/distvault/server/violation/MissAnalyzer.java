package org.distvault.server.violation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.distvault.server.http.DistfileRequest;
import org.distvault.server.http.HashRequest;
import org.distvault.server.http.Miss;
import org.distvault.server.http.PkgPath;
import org.distvault.server.http.RequestTarget;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.record.Variant;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * Explains a miss from the catalog, in the request's source set: catalogued but not stored
 * ({@code not-prefetched}, with the recorded prefetch failure), in no manifest ({@code unknown}),
 * or several variants and nothing to choose ({@code ambiguous}); through {@code /set/<set>/} of a set the store does not have,
 * {@code unknown} with the reason {@code no set <set>}.
 *
 * <p>Names are tried as the serving routes try them: as sent, then percent-decoded; the first one
 * the catalog knows explains the miss. Reads only the catalog; thread-safe.
 */
public final class MissAnalyzer {
  private final Vault vault;

  public MissAnalyzer(Vault vault) {
    this.vault = Objects.requireNonNull(vault, "vault");
  }

  /**
   * Explains a miss from the lookups the serving route made (see {@link Miss#lookups}); looks the
   * names up again only when the miss does not carry an answer for each of them.
   */
  public MissDiagnosis diagnose(Miss miss) {
    if (miss.target() instanceof DistfileRequest request
        && miss.lookups().size() == request.candidates().size()) {
      return explain(request, miss.lookups());
    }
    return diagnose(miss.target());
  }

  /** Explains why {@code target} found nothing, from a fresh lookup of its names. */
  public MissDiagnosis diagnose(RequestTarget target) {
    if (target instanceof HashRequest hash) {
      String alg = hash.digest().algorithm().urlName();
      String name = "by-hash/" + alg + "/" + hash.digest().hex();
      String reason = "no stored blob has this " + alg + " digest";
      return new MissDiagnosis(ViolationKind.UNKNOWN, name, Optional.empty(), List.of(), reason,
          "unknown: " + name + ": " + reason, Optional.empty());
    }
    DistfileRequest request = (DistfileRequest) target;
    Optional<String> pkgpath = request.pkgPath().map(PkgPath::toString);
    Optional<SourceSet> set =
        request.set().isDefault() ? Optional.of(vault.defaultSet()) : vault.set(request.set());
    if (set.isEmpty()) {
      return noSuchSet(request, pkgpath);
    }
    List<Resolution> lookups = new ArrayList<>();
    for (DistfileName name : request.candidates()) {
      lookups.add(set.get().locate(name, pkgpath).resolution());
    }
    return explain(request, lookups);
  }

  /** A request through {@code /set/<set>/} of a set the store does not have: unknown, whatever the name. */
  private static MissDiagnosis noSuchSet(DistfileRequest request, Optional<String> pkgpath) {
    String name = request.rawName().value();
    String reason = "no set " + request.set();
    return new MissDiagnosis(ViolationKind.UNKNOWN, name, pkgpath, List.of(), reason,
        "unknown: " + name + ": " + reason + pkgpath.map(p -> " (requested for " + p + ")").orElse(""),
        Optional.empty());
  }

  /** The first name the store knows explains the miss; else it is unknown. */
  private static MissDiagnosis explain(DistfileRequest request, List<Resolution> lookups) {
    Optional<String> pkgpath = request.pkgPath().map(PkgPath::toString);
    for (Resolution r : lookups) {
      if (r.match() != Resolution.Match.UNKNOWN) {
        return known(request.rawName().value(), r, pkgpath);
      }
    }
    String name = request.rawName().value();
    return new MissDiagnosis(ViolationKind.UNKNOWN, name, pkgpath, List.of(), "in no manifest",
        "unknown: " + name + " is in no manifest" + pkgpath.map(p -> " (requested for " + p + ")").orElse(""),
        Optional.empty());
  }

  private static MissDiagnosis known(String name, Resolution r, Optional<String> pkgpath) {
    if (r.variant().isEmpty()) {
      TreeSet<String> all = new TreeSet<>();
      r.variants().forEach(v -> all.addAll(v.pkgpaths()));
      String reason = r.variants().size() + " variants with different content"
          + (all.isEmpty() ? "" : " (expected by " + String.join(", ", all) + ")")
          + ": request it as /pkg/<PKGPATH>/" + name;
      return new MissDiagnosis(ViolationKind.AMBIGUOUS, name, pkgpath, List.copyOf(all), reason,
          "ambiguous: " + name + " has " + reason, Optional.empty());
    }
    Variant v = r.variant().get();
    List<String> pkgpaths = List.copyOf(v.pkgpaths());
    List<String> blamed = pkgpath.map(List::of).orElse(pkgpaths);
    String reason = reason(v);
    String line = "not-prefetched: " + (blamed.isEmpty() ? "" : String.join(",", blamed) + " ")
        + name + " was not prefetched: " + reason;
    return new MissDiagnosis(ViolationKind.NOT_PREFETCHED, name, pkgpath, pkgpaths, reason, line,
        Optional.of(v));
  }

  private static String reason(Variant v) {
    if (v.blob().isPresent()) {
      // Bound, yet the lookup found no blob record: the blob was dropped in between (scrub).
      return "stored blob missing: its blob " + v.blob().get().hex().substring(0, 16)
          + "... is no longer held (found gone or corrupt)";
    }
    Optional<PrefetchOutcome> last = v.lastOutcome();
    if (last.isEmpty()) {
      return "no prefetch attempt recorded";
    }
    PrefetchOutcome o = last.get();
    if (o.failed()) {
      String url = o.url().filter(u -> !o.reason().contains(u)).map(u -> " (last tried " + u + ")").orElse("");
      return o.reason() + url;
    }
    return "stored blob missing: prefetched at " + o.at() + " but no longer held (found gone or corrupt)";
  }
}
