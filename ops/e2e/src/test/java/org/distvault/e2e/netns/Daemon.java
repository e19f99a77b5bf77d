package org.distvault.e2e.netns;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A long-running child (a server in some namespace) whose stdout lines are collected as they
 * come; started when it prints its first line, killed by {@link #close()}.
 */
final class Daemon implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Path stderr;

  private Daemon(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
  }

  /** Starts COMMAND and waits up to LIMIT for its first stdout line (its "listening" line). */
  static Daemon start(List<String> command, Path stderr, Duration limit) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    Daemon d = new Daemon(p, stderr);
    CompletableFuture<String> first = new CompletableFuture<>();
    Thread reader = new Thread(() -> d.read(first), "daemon-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      first.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return d;
    } catch (TimeoutException | ExecutionException e) {
      d.close();
      throw new AssertionError("no first line within " + limit.toSeconds() + " s from " + command + ": "
          + Files.readString(stderr, UTF_8), e);
    }
  }

  private void read(CompletableFuture<String> first) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
        first.complete(line);
      }
      first.completeExceptionally(new IOException("exited without output"));
    } catch (IOException e) {
      first.completeExceptionally(e);
    }
  }

  /** Every stdout line so far, the first ("listening ...") included. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  String stderr() throws IOException {
    return Files.readString(stderr, UTF_8);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
