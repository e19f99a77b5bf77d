package org.distvault.storage.record;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;

/**
 * One expected content of a distfile name. Usually a name has one variant; it has several when
 * packages expect different content under the same name (e.g. {@code v2.1.0.tar.gz} in
 * wip/pheanstalk and wip/boron).
 *
 * <p>The id is assigned when the variant is created (1, 2, ... per name) and never changes.
 *
 * @param size expected size, empty when unknown
 * @param digests expected digests; may be empty
 * @param pkgpaths sorted PKGPATHs that expect this content; a PKGPATH is listed by at most one
 *     variant of a name
 * @param urls upstream URLs in the order to try them
 * @param lastOutcome the last prefetch outcome recorded, if any
 * @param blob the SHA-512 of the verified blob this variant is bound to, if any
 */
public record Variant(
    int id,
    OptionalLong size,
    Digests digests,
    Set<String> pkgpaths,
    List<String> urls,
    Optional<PrefetchOutcome> lastOutcome,
    Optional<Digest> blob) {

  public Variant {
    if (id < 1) {
      throw new IllegalArgumentException("variant id must be positive, got " + id);
    }
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(digests, "digests");
    pkgpaths = ExpectedDistfile.checkedPkgpaths(pkgpaths);
    urls = ExpectedDistfile.checkedUrls(urls);
    Objects.requireNonNull(lastOutcome, "lastOutcome");
    Objects.requireNonNull(blob, "blob");
    blob.ifPresent(Digest::requireSha512);
  }

  /** PRESENT when bound; else FAILED when the last prefetch failed; else MISSING. */
  public VariantState state() {
    if (blob.isPresent()) {
      return VariantState.PRESENT;
    }
    return lastOutcome.filter(PrefetchOutcome::failed).isPresent()
        ? VariantState.FAILED
        : VariantState.MISSING;
  }

  public Variant withPkgpaths(Set<String> newPkgpaths) {
    return new Variant(id, size, digests, newPkgpaths, urls, lastOutcome, blob);
  }

  public Variant withOutcome(PrefetchOutcome outcome) {
    return new Variant(id, size, digests, pkgpaths, urls, Optional.of(outcome), blob);
  }

  public Variant withBlob(Optional<Digest> newBlob) {
    return new Variant(id, size, digests, pkgpaths, urls, lastOutcome, newBlob);
  }
}
