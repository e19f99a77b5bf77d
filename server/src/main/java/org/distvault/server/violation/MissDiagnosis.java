package org.distvault.server.violation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.record.Variant;

/**
 * Why a request found nothing: the kind, the name asked for, the packages that expect it, and a
 * one-line reason.
 *
 * @param kind the kind a violation of this miss has
 * @param name the name as sent (or {@code by-hash/<alg>/<hex>})
 * @param pkgpath the PKGPATH of the URL, if any
 * @param pkgpaths the packages whose manifests list the name, sorted
 * @param reason why it is missing, e.g. the recorded prefetch failure
 * @param line the one line a 404 body carries, starting with the kind, e.g. {@code not-prefetched:
 *     devel/cmake cmake-3.27.9.tar.gz was not prefetched: HTTP 404 from https://...}
 * @param variant the catalogued variant the request means, when one was chosen (the seam for
 *     online read-through: its URLs and expected digests)
 */
public record MissDiagnosis(
    ViolationKind kind,
    String name,
    Optional<String> pkgpath,
    List<String> pkgpaths,
    String reason,
    String line,
    Optional<Variant> variant) {

  public MissDiagnosis {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pkgpath, "pkgpath");
    pkgpaths = List.copyOf(pkgpaths);
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(variant, "variant");
  }

  /**
   * This diagnosis with {@code prefix} put before its reason, also in the line (after the kind, so
   * that the line still starts with it): e.g. {@code the server is offline; }.
   */
  public MissDiagnosis withReasonPrefix(String prefix) {
    String head = kind.wireName() + ": ";
    String rest = line.startsWith(head) ? line.substring(head.length()) : line;
    return new MissDiagnosis(kind, name, pkgpath, pkgpaths, prefix + reason, head + prefix + rest, variant);
  }
}
