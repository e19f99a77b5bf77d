package org.distvault.e2e.install;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a finished child process left: its exit status, stdout and stderr. {@link #run} starts the
 * command, waits at most a bounded time and kills it past that.
 */
public record ProcessResult(List<String> command, int exit, String stdout, String stderr) {
  /** Runs {@code command} in {@code dir} with extra environment variables; at most {@code seconds}. */
  public static ProcessResult run(Path dir, Map<String, String> env, long seconds, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
            Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(command + " did not finish within " + seconds + " s; stderr: "
          + Files.readString(err, UTF_8));
    }
    try {
      return new ProcessResult(List.copyOf(command), p.exitValue(), Files.readString(out, UTF_8),
          Files.readString(err, UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  /** Runs {@code command} in {@code dir}; at most 120 s. */
  public static ProcessResult run(Path dir, String... command) throws IOException, InterruptedException {
    return run(dir, Map.of(), 120, List.of(command));
  }

  /** The whole story, for assertion messages. */
  @Override
  public String toString() {
    return command + " exit " + exit + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
  }
}
