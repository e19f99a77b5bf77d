package org.distvault.storage.digest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An immutable set of digests of one content, at most one per algorithm. */
public final class Digests {
  private static final Digests EMPTY = new Digests(new EnumMap<>(DigestAlgorithm.class));

  private final Map<DigestAlgorithm, Digest> byAlgorithm;

  private Digests(EnumMap<DigestAlgorithm, Digest> byAlgorithm) {
    this.byAlgorithm = Collections.unmodifiableMap(byAlgorithm);
  }

  public static Digests empty() {
    return EMPTY;
  }

  /** Builds from a collection of digests; two digests of one algorithm are an error. */
  public static Digests of(Iterable<Digest> digests) {
    EnumMap<DigestAlgorithm, Digest> m = new EnumMap<>(DigestAlgorithm.class);
    for (Digest d : digests) {
      Digest old = m.put(d.algorithm(), d);
      if (old != null && !old.equals(d)) {
        throw new IllegalArgumentException(
            "two different " + d.algorithm().distinfoName() + " digests: " + old.hex() + " and "
                + d.hex());
      }
    }
    return new Digests(m);
  }

  /** Builds from hex strings keyed by algorithm name (distinfo or URL spelling). */
  public static Digests fromHex(Map<String, String> hexByName) {
    EnumMap<DigestAlgorithm, Digest> m = new EnumMap<>(DigestAlgorithm.class);
    for (Map.Entry<String, String> e : hexByName.entrySet()) {
      DigestAlgorithm alg =
          DigestAlgorithm.byName(e.getKey())
              .orElseThrow(() -> new IllegalArgumentException("unknown digest algorithm " + e.getKey()));
      m.put(alg, Digest.fromHex(alg, e.getValue()));
    }
    return new Digests(m);
  }

  public Optional<Digest> get(DigestAlgorithm algorithm) {
    return Optional.ofNullable(byAlgorithm.get(algorithm));
  }

  public Set<DigestAlgorithm> algorithms() {
    return byAlgorithm.keySet();
  }

  public Map<DigestAlgorithm, Digest> asMap() {
    return byAlgorithm;
  }

  public boolean isEmpty() {
    return byAlgorithm.isEmpty();
  }

  /** Lower-case hex by URL name, in algorithm order: the JSON form. */
  public Map<String, String> toHexMap() {
    Map<String, String> m = new LinkedHashMap<>();
    byAlgorithm.forEach((a, d) -> m.put(a.urlName(), d.hex()));
    return m;
  }

  /** This set plus {@code other}; a conflicting digest for one algorithm is an error. */
  public Digests merge(Digests other) {
    List<Digest> all = new ArrayList<>(byAlgorithm.values());
    all.addAll(other.byAlgorithm.values());
    return of(all);
  }

  /**
   * Checks that every digest in {@code expected} equals the one here.
   *
   * @throws DigestMismatchException naming the first algorithm that differs, or one this set
   *     lacks
   */
  public void verify(Digests expected) throws DigestMismatchException {
    for (Digest want : expected.byAlgorithm.values()) {
      Digest got = byAlgorithm.get(want.algorithm());
      if (got == null) {
        throw new IllegalStateException(
            want.algorithm().distinfoName() + " was expected but not computed");
      }
      if (!got.equals(want)) {
        throw new DigestMismatchException(want, got);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digests d && d.byAlgorithm.equals(byAlgorithm);
  }

  @Override
  public int hashCode() {
    return byAlgorithm.hashCode();
  }

  @Override
  public String toString() {
    return byAlgorithm.values().toString();
  }
}
