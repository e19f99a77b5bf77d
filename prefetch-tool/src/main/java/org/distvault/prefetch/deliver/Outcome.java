package org.distvault.prefetch.deliver;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digest;

/**
 * What a prefetch run did for one expected distfile. Written as JSON by {@link OutcomeJson}.
 *
 * <p>Not a {@link org.distvault.storage.distfile.PrefetchOutcome}, which is what the server keeps
 * of it: that one is stamped with the server's clock when recorded, knows no {@code present}, and
 * has none of the run's bytes, time, digest or attempts. The two share only the status words
 * {@code ok} and {@code failed} on the wire.
 *
 * @param entry the manifest entry
 * @param status ok (downloaded, verified, delivered), present (already held) or failed
 * @param reason why it failed (the last attempt's error, or a run-level reason); {@code null} unless failed
 * @param bytes bytes downloaded for it (shared downloads count for each entry)
 * @param elapsed time from its first attempt to its end
 * @param url the URL the content came from, or the last one tried; {@code null} if none
 * @param sha512 the content's SHA-512 when ok; {@code null} otherwise
 * @param attempts every failed attempt, in order
 */
public record Outcome(
    ExpectedDistfile entry, Status status, String reason, long bytes, Duration elapsed, String url, Digest sha512,
    List<Attempt> attempts) {

  /** The closed set of results. */
  public enum Status {
    OK,
    PRESENT,
    FAILED
  }

  public Outcome {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(elapsed, "elapsed");
    attempts = List.copyOf(attempts);
    if (status == Status.FAILED && reason == null) {
      throw new IllegalArgumentException("a failed outcome needs a reason");
    }
    if (status == Status.OK && sha512 == null) {
      throw new IllegalArgumentException("an ok outcome needs the SHA512");
    }
  }

  public static Outcome present(ExpectedDistfile entry) {
    return new Outcome(entry, Status.PRESENT, null, 0, Duration.ZERO, null, null, List.of());
  }
}
