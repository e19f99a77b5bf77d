package org.distvault.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.server.cli.Main;

/**
 * {@code distvault serve} in a child JVM on the test classpath (the classes the shaded jar holds),
 * listening on a free loopback port. Its stderr goes to a file for diagnostics.
 */
final class ChildServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("^listening http://127\\.0\\.0\\.1:(\\d+)/ .*");

  final Process process;
  final int port;
  final List<String> stdout = new ArrayList<>();
  private final Path stderr;
  private final BufferedReader out;

  private ChildServer(Process process, BufferedReader out, Path stderr, int port) {
    this.process = process;
    this.out = out;
    this.stderr = stderr;
    this.port = port;
  }

  /** Starts {@code Main serve --data DATA --listen 127.0.0.1:0 ARGS...} and waits until it listens. */
  static ChildServer start(Path data, Path scratch, String... args) throws IOException {
    Path nativeDir = Files.createDirectories(scratch.resolve("native"));
    Path stderr = scratch.resolve("child-" + System.nanoTime() + ".stderr");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Djava.io.tmpdir=" + nativeDir,
        // The production logging setup (INFO to stderr), not the tests' quiet one.
        "-Dlogback.configurationFile=" + ChildServer.class.getClassLoader().getResource("logback.xml"),
        Main.class.getName(), "serve", "--data", data.toString(), "--listen", "127.0.0.1:0"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    // A killed JVM leaves its extracted librocksdbjni*.so behind: keep it inside the temp dir.
    pb.environment().put("ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
    ChildServer child = null;
    try {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String line = out.readLine();
        if (line == null) {
          throw new IOException("child exited before listening: " + Files.readString(stderr));
        }
        lines.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.matches()) {
          child = new ChildServer(p, out, stderr, Integer.parseInt(m.group(1)));
          child.stdout.addAll(lines);
          // The rest of the start-up banner: token file, comment, MASTER_SITE_OVERRIDE.
          for (int j = 0; j < 3; j++) {
            child.stdout.add(out.readLine());
          }
          return child;
        }
      }
      throw new IOException("no 'listening' line in " + lines);
    } finally {
      if (child == null) {
        p.destroyForcibly();
      }
    }
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** The next line on the child's stdout after the start-up banner (e.g. the trap proxy line). */
  String readLine() throws IOException {
    return out.readLine();
  }

  /** SIGKILL, without closing our end of its stdout; returns the exit code. */
  int kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child did not die");
    }
    return process.exitValue();
  }

  /** SIGTERM; returns the exit code. */
  int terminate() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    out.close();
  }
}
