package org.distvault.storage.blob;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.digest.Digest;

/**
 * A file under {@code DATA/blobs/sha512/} that the scrubber found wrong and moved to quarantine.
 *
 * @param path where it was
 * @param expected the SHA-512 its name promised; empty if the name or location is not a valid blob
 *     path
 * @param actual the SHA-512 of its bytes; empty if it could not be read (or is not a regular file)
 * @param size its size in bytes
 * @param reason one line saying what is wrong
 * @param quarantinedAs where it is now, under {@code DATA/quarantine/}
 */
public record CorruptBlob(
    Path path,
    Optional<Digest> expected,
    Optional<Digest> actual,
    long size,
    String reason,
    Path quarantinedAs) {
  public CorruptBlob {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(quarantinedAs, "quarantinedAs");
  }
}
