package org.distvault.server.admin.ingest;

import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;

/**
 * The {@code X-Distvault-Digests} request header of a blob upload: extra expected digests as
 * {@code alg=hex} pairs separated by commas, e.g. {@code blake2s=dd46…,sha1=0a1b…}. Algorithms use
 * their URL names; spaces around the pairs are ignored; several header lines are joined.
 */
final class DigestHeader {
  static final HttpString NAME = HttpString.tryFromString("X-Distvault-Digests");

  private DigestHeader() {}

  /**
   * Parses the header's values (null or empty: no extra digests).
   *
   * @throws IllegalArgumentException naming the faulty pair: no '=', unknown algorithm, bad hex, or
   *     two different values for one algorithm
   */
  static Digests parse(HeaderValues values) {
    if (values == null) {
      return Digests.empty();
    }
    List<Digest> digests = new ArrayList<>();
    for (String value : values) {
      for (String pair : value.split(",", -1)) {
        String p = pair.trim();
        if (p.isEmpty()) {
          throw new IllegalArgumentException(NAME + ": empty entry in '" + value + "'");
        }
        int eq = p.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(NAME + ": '" + p + "' is not alg=hex");
        }
        String alg = p.substring(0, eq).trim();
        DigestAlgorithm a =
            DigestAlgorithm.byName(alg)
                .orElseThrow(() -> new IllegalArgumentException(
                    NAME + ": unknown digest algorithm '" + alg + "'"));
        try {
          digests.add(Digest.fromHex(a, p.substring(eq + 1).trim().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(NAME + ": " + e.getMessage(), e);
        }
      }
    }
    try {
      return Digests.of(digests);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(NAME + ": " + e.getMessage(), e);
    }
  }
}
