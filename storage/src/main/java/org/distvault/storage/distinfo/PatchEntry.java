package org.distvault.storage.distinfo;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * A patch line group of a distinfo file: the checksum of a file in the package's {@code
 * patches/} directory, taken with every {@code $NetBSD} line removed.
 *
 * <p>Patches are verified by pkgsrc's patch phase, never fetched, so distvault does not serve
 * them; they are kept so that nothing in the file is lost.
 *
 * @param name the patch's bare file name (never contains {@code /})
 * @param digests the digests of algorithms distvault knows (pkgsrc writes SHA1 only)
 * @param otherDigests lines distvault cannot use, algorithm as written to value as written, in
 *     file order: unknown algorithms ({@code MD5}, {@code SHA384}, ...) and {@code IGNORE} values
 */
public record PatchEntry(String name, Digests digests, Map<String, String> otherDigests) {
  public PatchEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digests, "digests");
    otherDigests = DistfileEntry.copyInOrder(otherDigests);
    if (name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("a patch name has no directory: " + name);
    }
  }

  /** The SHA1 digest, the one pkgsrc records for patches. */
  public Optional<Digest> sha1() {
    return digests.get(DigestAlgorithm.SHA1);
  }

  /**
   * Whether pkgsrc would take a file of this name in {@code patches/} as a patch: it starts with
   * {@code patch-} or matches {@code emul-*-patch-*}, and is not {@code patch-local-*}, {@code
   * *.orig}, {@code *.rej} or {@code *~} (function {@code is_patch} of pkgsrc's {@code
   * mk/checksum/distinfo.awk}).
   *
   * <p>The name alone does not make a distinfo entry a patch: distfiles such as {@code
   * patch-2.7.6.tar.xz} exist; see {@link DistinfoParser} for the whole rule.
   */
  public static boolean isPatchFileName(String name) {
    if (name.startsWith("patch-local-")
        || name.endsWith(".orig")
        || name.endsWith(".rej")
        || name.endsWith("~")) {
      return false;
    }
    if (name.startsWith("patch-")) {
      return true;
    }
    // ^emul-.*-patch- : "-patch-" must start after "emul-", so "emul-patch-x" is not a patch.
    return name.startsWith("emul-") && name.indexOf("-patch-", "emul-".length()) >= 0;
  }
}
