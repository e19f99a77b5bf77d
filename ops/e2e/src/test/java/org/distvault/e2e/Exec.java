package org.distvault.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process run to completion within a time limit, its output captured in files (so a
 * chatty child never blocks on a full pipe). A child still running at the limit is killed and
 * the call fails: no test waits forever.
 */
public final class Exec {
  private final List<String> command;
  private Path directory;
  private final Map<String, String> environment = new java.util.LinkedHashMap<>();
  private Duration timeout = Duration.ofSeconds(60);

  private Exec(List<String> command) {
    this.command = List.copyOf(command);
  }

  /** A command to run; nothing starts until {@link #run()}. */
  public static Exec of(List<String> command) {
    return new Exec(command);
  }

  /** A command to run; nothing starts until {@link #run()}. */
  public static Exec of(String... command) {
    return new Exec(List.of(command));
  }

  /** The same command behind a prefix, e.g. {@code ip netns exec NAME}. */
  public static Exec prefixed(List<String> prefix, List<String> command) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    return new Exec(full);
  }

  public Exec in(Path dir) {
    this.directory = dir;
    return this;
  }

  public Exec env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  public Exec timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** Runs the command; fails with the command line if it does not end within the time limit. */
  public Result run() throws IOException, InterruptedException {
    Path out = Files.createTempFile("exec-", ".out");
    Path err = Files.createTempFile("exec-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (directory != null) {
        pb.directory(directory.toFile());
      }
      pb.environment().putAll(environment);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s, killed: " + command
            + "\nstdout: " + Files.readString(out, UTF_8) + "\nstderr: " + Files.readString(err, UTF_8));
      }
      return new Result(command, p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** What a finished child left: exit status, stdout and stderr. */
  public record Result(List<String> command, int exit, String stdout, String stderr) {
    /** The result, if the exit status is the expected one; else an error showing everything. */
    public Result expect(int status) {
      if (exit != status) {
        throw new AssertionError("expected exit " + status + " but got " + exit + ": " + this);
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", command) + "\n  exit " + exit + "\n  stdout: " + stdout + "\n  stderr: " + stderr;
    }
  }
}
