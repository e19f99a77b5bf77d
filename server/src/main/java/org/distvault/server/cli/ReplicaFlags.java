package org.distvault.server.cli;

import java.time.Duration;
import java.util.Optional;
import org.distvault.prefetch.cli.CliException;
import org.distvault.prefetch.cli.ExitCode;
import org.distvault.server.ReplicaOf;
import org.distvault.server.mode.Mode;
import org.distvault.storage.name.SetName;

/** The {@code serve} flags of a replica, checked together; every error names its flag. */
final class ReplicaFlags {
  private ReplicaFlags() {}

  /**
   * What {@code --replica-of}, {@code --set} and {@code --poll} describe; empty without {@code
   * --replica-of}. A replica keeps no blobs of its own, so the flags that write or delete them are
   * refused with it.
   *
   * @throws CliException (usage) naming the flag whose value is wrong, missing or out of place
   */
  static Optional<ReplicaOf> replica(String replicaOf, String blobStore, String set, Long pollSeconds, Mode mode,
      Long maxSize, Duration scrubEvery, boolean recover) throws CliException {
    if (replicaOf == null) {
      String orphan = set != null ? "--set" : pollSeconds != null ? "--poll" : null;
      if (orphan != null) {
        throw new CliException(ExitCode.USAGE, orphan + " needs --replica-of s3://BUCKET[/PREFIX]");
      }
      return Optional.empty();
    }
    String clash = blobStore != null ? "--blob-store (the primary's flag)"
        : mode == Mode.ONLINE ? "--mode online (a replica stays offline)"
        : maxSize != null ? "--max-size (a replica collects no garbage: the blobs are the primary's)"
        : scrubEvery != null ? "--scrub-every (a replica scrubs no bucket: the primary does)"
        : recover ? "--recover" : null;
    if (clash != null) {
      throw new CliException(ExitCode.USAGE, "--replica-of does not go with " + clash);
    }
    if (set == null) {
      throw new CliException(ExitCode.USAGE, "--replica-of needs --set NAME: the set whose published seal to serve");
    }
    Optional<String> problem = Optional.ofNullable(SetName.problem(set));
    if (problem.isPresent()) {
      throw new CliException(ExitCode.USAGE, "--set: " + problem.get());
    }
    long poll = pollSeconds == null ? ReplicaOf.DEFAULT_POLL.toSeconds() : pollSeconds;
    if (poll < 1) {
      throw new CliException(ExitCode.USAGE, "--poll must be at least 1 second, got " + poll);
    }
    try {
      return Optional.of(new ReplicaOf(SetName.of(set), Duration.ofSeconds(poll)));
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--set: " + e.getMessage(), e);
    }
  }
}
