package org.distvault.storage.record;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;

/**
 * The answer to "which content does a request for this name mean?" (see {@code
 * Vault#locate}).
 *
 * @param match how the variant was chosen, or why none was
 * @param variant the chosen variant; empty for {@link Match#UNKNOWN} and {@link Match#AMBIGUOUS}
 * @param variants every variant of the name (empty for UNKNOWN): the candidates when ambiguous,
 *     and the packages to attribute a violation to
 */
public record Resolution(
    DistfileName name, Match match, Optional<Variant> variant, List<Variant> variants) {

  /** How a resolution was reached. */
  public enum Match {
    /** No manifest lists the name. */
    UNKNOWN,
    /** The variant that lists the requested PKGPATH. */
    PKGPATH,
    /** The name has a single variant. */
    ONLY_VARIANT,
    /** Several variants, exactly one of them bound to a blob. */
    ONLY_PRESENT,
    /** Several variants and nothing to choose between them. */
    AMBIGUOUS
  }

  public Resolution {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(variant, "variant");
    variants = List.copyOf(variants);
  }

  /**
   * Chooses the variant a request means. With a PKGPATH, the variant listing it wins (upserts
   * keep each PKGPATH on at most one variant of a name). Without one, or when no variant lists
   * it: a single variant is chosen; among several, the one bound to a blob if exactly one is;
   * otherwise the result is {@link Match#AMBIGUOUS} with no variant, and the caller decides (the
   * server answers as for a miss and names the candidates' PKGPATHs, pointing to the {@code
   * /pkg/} route).
   *
   * @param record the name's record, or {@code null} when the catalog has none
   */
  public static Resolution of(DistfileName name, DistfileRecord record, Optional<String> pkgpath) {
    if (record == null) {
      return new Resolution(name, Match.UNKNOWN, Optional.empty(), List.of());
    }
    List<Variant> all = record.variants();
    Optional<Variant> byPath = pkgpath.flatMap(record::variantFor);
    if (byPath.isPresent()) {
      return new Resolution(name, Match.PKGPATH, byPath, all);
    }
    if (all.size() == 1) {
      return new Resolution(name, Match.ONLY_VARIANT, Optional.of(all.get(0)), all);
    }
    List<Variant> present = all.stream().filter(v -> v.blob().isPresent()).toList();
    if (present.size() == 1) {
      return new Resolution(name, Match.ONLY_PRESENT, Optional.of(present.get(0)), all);
    }
    return new Resolution(name, Match.AMBIGUOUS, Optional.empty(), all);
  }

  /** The SHA-512 of the blob bound to the chosen variant, if a variant was chosen and is bound. */
  public Optional<Digest> blob() {
    return variant.flatMap(Variant::blob);
  }
}
