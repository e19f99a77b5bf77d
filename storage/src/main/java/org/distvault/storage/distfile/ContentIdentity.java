package org.distvault.storage.distfile;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * When two expectations of one name describe the same content: the rule by which the catalog
 * merges an expectation into a variant, and by which the prefetch tool merges the entries of
 * many packages before it sends them. Two expectations are the same content when
 *
 * <ul>
 *   <li>their sizes do not conflict (equal, or at least one unknown), and
 *   <li>every algorithm both list has the same digest, and
 *   <li>they share at least one algorithm, or neither lists any digest.
 * </ul>
 *
 * An old distinfo (SHA1+RMD160) and a new one (BLAKE2s+SHA512) for the same name share no
 * algorithm, so they stay apart: without a common digest nobody can prove they are the same
 * bytes. The rule is symmetric.
 */
public final class ContentIdentity {
  private ContentIdentity() {}

  /** Whether the two (size, digests) pairs describe the same content under the rule above. */
  public static boolean same(OptionalLong size, Digests digests, OptionalLong otherSize,
      Digests otherDigests) {
    if (size.isPresent() && otherSize.isPresent() && size.getAsLong() != otherSize.getAsLong()) {
      return false;
    }
    boolean shared = false;
    for (Map.Entry<DigestAlgorithm, Digest> d : otherDigests.asMap().entrySet()) {
      Optional<Digest> mine = digests.get(d.getKey());
      if (mine.isPresent()) {
        if (!mine.get().equals(d.getValue())) {
          return false;
        }
        shared = true;
      }
    }
    return shared || (digests.isEmpty() && otherDigests.isEmpty());
  }
}
