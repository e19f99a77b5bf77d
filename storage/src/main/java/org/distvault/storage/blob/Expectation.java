package org.distvault.storage.blob;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * What an ingest must match before it is stored: an optional size, any subset of digests, and
 * extra algorithms the caller wants computed without checking them.
 *
 * <p>Ingest always computes SHA-512 (the blob's name) and SHA-256 (for {@code /by-hash/}) too; see
 * {@link #algorithmsToCompute()}. Immutable.
 *
 * @param size the exact size in bytes, if known; more bytes stop the ingest as soon as they arrive
 * @param digests digests the content must have; each one listed is verified
 * @param alsoCompute algorithms to compute and report without verifying
 */
public record Expectation(OptionalLong size, Digests digests, Set<DigestAlgorithm> alsoCompute) {
  /** Computed for every blob: its name, and the {@code /by-hash/} digest. */
  public static final Set<DigestAlgorithm> ALWAYS_COMPUTED =
      Collections.unmodifiableSet(EnumSet.of(DigestAlgorithm.SHA512, DigestAlgorithm.SHA256));

  public Expectation {
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(digests, "digests");
    if (size.isPresent() && size.getAsLong() < 0) {
      throw new IllegalArgumentException("expected size is negative: " + size.getAsLong());
    }
    alsoCompute =
        Collections.unmodifiableSet(
            alsoCompute.isEmpty()
                ? EnumSet.noneOf(DigestAlgorithm.class)
                : EnumSet.copyOf(alsoCompute));
  }

  /** Nothing expected: the content is stored under whatever SHA-512 it has. */
  public static Expectation none() {
    return new Expectation(OptionalLong.empty(), Digests.empty(), Set.of());
  }

  /** A size and digests, as a distinfo entry gives them. */
  public static Expectation of(long size, Digests digests) {
    return new Expectation(OptionalLong.of(size), digests, Set.of());
  }

  /** Digests only (e.g. a blob upload addressed by its SHA-512). */
  public static Expectation of(Digests digests) {
    return new Expectation(OptionalLong.empty(), digests, Set.of());
  }

  /** This expectation with an exact size. */
  public Expectation withSize(long bytes) {
    return new Expectation(OptionalLong.of(bytes), digests, alsoCompute);
  }

  /** This expectation, also computing {@code algorithms} (reported, not verified). */
  public Expectation alsoComputing(DigestAlgorithm... algorithms) {
    EnumSet<DigestAlgorithm> more = EnumSet.noneOf(DigestAlgorithm.class);
    more.addAll(alsoCompute);
    Collections.addAll(more, algorithms);
    return new Expectation(size, digests, more);
  }

  /** Every algorithm an ingest computes: SHA-512, SHA-256, the expected ones and the extra ones. */
  public Set<DigestAlgorithm> algorithmsToCompute() {
    EnumSet<DigestAlgorithm> all = EnumSet.copyOf(ALWAYS_COMPUTED);
    all.addAll(digests.algorithms());
    all.addAll(alsoCompute);
    return Collections.unmodifiableSet(all);
  }
}
