package org.distvault.storage.distinfo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;

/**
 * A distfile listed in a distinfo file: its DISTDIR-relative name, its digests and its size.
 *
 * @param name {@code [DIST_SUBDIR/]file}, exactly as written (no percent-decoding)
 * @param digests the digests of algorithms distvault knows (SHA1, RMD160, SHA512, BLAKE2s,
 *     SHA256); empty when the file lists none of them, which {@link DistinfoParser} also reports
 *     as a problem
 * @param otherDigests lines distvault cannot use, algorithm as written to value as written, in
 *     file order: unknown algorithms ({@code MD5}, {@code SHA384}, {@code TIGER}, ...) and
 *     {@code IGNORE} values (pkgsrc skips those lines)
 * @param size the {@code Size} line's byte count, empty when the entry has none (common in
 *     distinfo files written before Size lines existed)
 */
public record DistfileEntry(
    DistfileName name, Digests digests, Map<String, String> otherDigests, OptionalLong size) {
  public DistfileEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digests, "digests");
    Objects.requireNonNull(size, "size");
    otherDigests = copyInOrder(otherDigests);
    if (size.isPresent() && size.getAsLong() < 0) {
      throw new IllegalArgumentException("negative size " + size.getAsLong() + " for " + name);
    }
  }

  /** The DIST_SUBDIR part of the name ({@code a/b} for {@code a/b/f.tar.gz}), or "". */
  public String subdir() {
    return name.subdir();
  }

  /** The file name without DIST_SUBDIR. */
  public String basename() {
    return name.basename();
  }

  /** Whether at least one digest distvault can compute is listed. */
  public boolean verifiable() {
    return !digests.isEmpty();
  }

  /** An unmodifiable copy that keeps the insertion order (Map.copyOf does not). */
  static Map<String, String> copyInOrder(Map<String, String> m) {
    Objects.requireNonNull(m, "otherDigests");
    return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
