package org.distvault.prefetch.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Runs bmake in a directory with a time limit.
 *
 * <p>Output goes to temporary files rather than pipes, so a child that keeps a pipe open can
 * never block the reader, and the wait is a plain {@link Process#waitFor(long, TimeUnit)}. On
 * timeout or interruption bmake and every process it started are killed (SIGKILL): the
 * descendants are listed before bmake dies, because once it is gone they are orphans that no
 * longer show up as its descendants. Standard input is empty.
 *
 * <p>Thread-safe: each call has its own process and files.
 */
final class MakeRunner {
  /** Output beyond this is not read: no real package prints a fraction of it. */
  static final long MAX_OUTPUT = 64L << 20;
  /** How long killed processes get to be reaped. */
  private static final long REAP_SECONDS = 10;

  private final ScanOptions options;

  MakeRunner(ScanOptions options) {
    this.options = options;
  }

  /**
   * Runs {@code bmake args...} in {@code dir}.
   *
   * @throws BmakeUnavailableException when bmake cannot be started
   * @throws IOException when the output cannot be kept or read back, or is larger than {@link
   *     #MAX_OUTPUT}
   * @throws InterruptedException when interrupted; bmake has been killed by then
   */
  MakeResult run(Path dir, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(options.bmake());
    command.addAll(args);
    Path out = Files.createTempFile("distvault-bmake-", ".out");
    Path err = Files.createTempFile("distvault-bmake-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      pb.environment().putAll(options.environment());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new BmakeUnavailableException(options.bmake(), e);
      }
      p.getOutputStream().close(); // empty standard input: nothing may wait for a terminal
      OptionalInt status;
      try {
        status = p.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
            ? OptionalInt.of(p.exitValue())
            : OptionalInt.empty();
      } catch (InterruptedException e) {
        kill(p);
        throw e;
      }
      if (status.isEmpty()) {
        kill(p);
      }
      return new MakeResult(status, read(out), read(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_OUTPUT) {
      throw new IOException("bmake printed " + size + " bytes, more than the " + MAX_OUTPUT + " read");
    }
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** Kills bmake and its descendants and waits (bounded) for bmake to be reaped. */
  private static void kill(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    boolean interrupted = Thread.interrupted();
    try {
      p.waitFor(REAP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
