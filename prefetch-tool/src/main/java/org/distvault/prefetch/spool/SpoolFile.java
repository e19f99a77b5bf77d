package org.distvault.prefetch.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongConsumer;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;

/**
 * One download being written to the spool: an output stream that writes to the file and
 * digests every byte in the same pass.
 *
 * <p>Use it once: write, then {@link #verify} (which closes it), and on any failure {@link
 * #close()} without verifying deletes the file. Not thread-safe.
 *
 * <pre>{@code
 * try (SpoolFile f = spool.create(expected.algorithms())) {
 *   fetcher.fetch(request, f);
 *   VerifiedBlob blob = f.verify(expectedSize, expected);   // or FetchFailure, file deleted
 *   sink.put(blob, names);                                   // or f.handOver(blob) to deliver later
 * }                                                          // deletes the file unless handed over
 * }</pre>
 */
public final class SpoolFile extends OutputStream {
  private final Path path;
  private final OutputStream out;
  private final MultiDigester digester;
  private LongConsumer progress = n -> {};
  private boolean handedOver;

  private SpoolFile(Path path, OutputStream out, MultiDigester digester) {
    this.path = path;
    this.out = out;
    this.digester = digester;
  }

  static SpoolFile create(Path path, Set<DigestAlgorithm> algorithms) throws IOException {
    EnumSet<DigestAlgorithm> algs = EnumSet.of(DigestAlgorithm.SHA512);
    algs.addAll(algorithms);
    OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new SpoolFile(path, out, MultiDigester.of(algs));
  }

  /** Reports the length of every write (for progress and throughput). */
  public SpoolFile onBytes(LongConsumer progress) {
    this.progress = progress;
    return this;
  }

  public Path path() {
    return path;
  }

  /** Bytes written so far. */
  public long size() {
    return digester.byteCount();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digester.update(b, off, len);
    progress.accept(len);
  }

  /**
   * Closes the file and checks its size and every expected digest.
   *
   * @return the verified blob; the file stays until the caller moves it or closes this
   * @throws SpoolMismatchException naming expected and actual size or digest; the file is deleted
   */
  public VerifiedBlob verify(OptionalLong expectedSize, Digests expected) throws IOException {
    out.close();
    Digests actual = digester.finish();
    long size = digester.byteCount();
    if (expectedSize.isPresent() && expectedSize.getAsLong() != size) {
      discard();
      throw new SpoolMismatchException(
          "size mismatch: expected " + expectedSize.getAsLong() + " bytes, got " + size, actual, size);
    }
    try {
      actual.verify(expected);
    } catch (DigestMismatchException e) {
      discard();
      throw new SpoolMismatchException(e.getMessage(), actual, size);
    }
    return new VerifiedBlob(path, size, actual);
  }

  private void discard() throws IOException {
    Files.deleteIfExists(path);
  }

  /**
   * Hands the verified file over to another owner (e.g. a delivery on another thread): {@link
   * #close()} then leaves it in place, and the new owner deletes it when done.
   *
   * @throws IllegalStateException when {@code blob} is not this file's
   */
  public void handOver(VerifiedBlob blob) {
    if (!blob.file().equals(path)) {
      throw new IllegalStateException("blob " + blob.file() + " is not the spool file " + path);
    }
    handedOver = true;
  }

  /**
   * Closes the stream and deletes the file, unless it was {@linkplain #handOver handed over} (or
   * moved away after {@link #verify}).
   */
  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      if (!handedOver) {
        Files.deleteIfExists(path);
      }
    }
  }
}
