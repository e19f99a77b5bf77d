package org.distvault.prefetch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The options {@code export} and {@code import} share, and what they do: {@code --jobs N} (the
 * threads that transfer the files, at most N at once), {@code --report FILE} (the JSON report,
 * written also when the command fails) and {@code --progress-seconds N}.
 */
final class TransferOptions {
  static final int MAX_JOBS = 64;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "4",
      description = "Files transferred at once, 1 to " + MAX_JOBS + " (default: ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--report", paramLabel = "FILE.json",
      description = "Also write a JSON report here: the seals, the counts and every file's outcome; written also "
          + "when the command fails")
  Path report;

  @Option(names = "--progress-seconds", paramLabel = "N", defaultValue = "5",
      description = "Seconds between progress lines on stderr (default: ${DEFAULT-VALUE})")
  long progressSeconds;

  /** The body of a command: its exit code. */
  @FunctionalInterface
  interface Body {
    int run() throws CliException, IOException;
  }

  /** The report of a command that ended with {@code exitCode}; {@code error} is null unless it stopped early. */
  @FunctionalInterface
  interface ReportOf {
    Object report(int exitCode, String error);
  }

  /** Checks the options before anything is done: exit 2 naming the flag and the value. */
  void check() throws CliException {
    if (jobs < 1 || jobs > MAX_JOBS) {
      throw new CliException(ExitCode.USAGE, "--jobs must be from 1 to " + MAX_JOBS + ", got " + jobs);
    }
    if (progressSeconds < 1) {
      throw new CliException(ExitCode.USAGE, "--progress-seconds must be at least 1, got " + progressSeconds);
    }
    if (report != null) {
      OutputFile.checkWritable("--report", report);
    }
  }

  /**
   * Runs {@code body} and writes the --report, if asked for, also when the body fails (with its
   * exit code and message). A report that cannot be written after a failure is said on {@code err}:
   * the failure stays the error the command ends with.
   */
  int run(Body body, ReportOf reportOf, PrintWriter err) throws CliException, IOException {
    int code;
    try {
      code = body.run();
    } catch (CliException e) {
      writeReport(reportOf.report(e.exitCode(), e.getMessage()), err, e);
      throw e;
    } catch (IOException e) {
      writeReport(reportOf.report(ExitCode.FAILED, e.toString()), err, e);
      throw e;
    }
    writeReport(reportOf.report(code, null), err, null);
    return code;
  }

  private void writeReport(Object r, PrintWriter err, Exception failure) throws CliException {
    if (report == null) {
      return;
    }
    try {
      TransferReport.write(report, r);
    } catch (CliException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
      err.println(e.getMessage());
      err.flush();
    }
  }

  /** The progress line of {@code files} files of {@code bytes} in all. */
  TransferProgress progress(PrintWriter err, String what, int files, long bytes) {
    return new TransferProgress(err, what, files, bytes, progressSeconds);
  }

  /**
   * Runs {@code task} on every item, at most {@code --jobs} at once, and returns the results in the
   * items' order, so that what is printed from them does not depend on which finished first.
   *
   * @param what names the threads, e.g. {@code export}
   */
  <T, R> List<R> map(List<T> items, String what, Function<T, R> task) throws CliException {
    if (items.isEmpty()) {
      return List.of();
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, items.size()), r -> {
      Thread t = new Thread(r, what + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(pool.submit(() -> task.apply(item)));
      }
      List<R> out = new ArrayList<>(items.size());
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.FAILED, what + " interrupted", e);
    } catch (ExecutionException e) {
      // The tasks report the failures they expect as results: anything else is a bug, not a file's fault.
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
