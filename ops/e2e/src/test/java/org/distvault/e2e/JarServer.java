package org.distvault.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar distvault.jar serve} as an operator starts it (or through the installed
 * launcher), on a free loopback port (or the given {@code --listen}), waiting until it prints its
 * {@code listening} line. Stderr goes to a file.
 */
public final class JarServer implements AutoCloseable {
  /** How long a child may take to print its listening line. */
  private static final long START_SECONDS = 60;

  private static final Pattern LISTENING = Pattern.compile("^listening (https?://[^ ]+/) .*");

  private final Process process;
  private final String url;
  private final Path stderr;
  private final List<String> banner;

  private JarServer(Process process, String url, Path stderr, List<String> banner) {
    this.process = process;
    this.url = url;
    this.stderr = stderr;
    this.banner = banner;
  }

  /** Starts {@code serve --data DATA --listen 127.0.0.1:0 ARGS...}; scratch holds logs and native libraries. */
  public static JarServer start(Path data, Path scratch, String... args) throws IOException {
    return start(data, scratch, Map.of(), args);
  }

  /** As {@link #start(Path, Path, String...)}, with {@code env} added to the environment (e.g. AWS_* credentials). */
  public static JarServer start(Path data, Path scratch, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("serve", "--data", data.toString()));
    if (!List.of(args).contains("--listen")) {
      command.addAll(List.of("--listen", "127.0.0.1:0"));
    }
    command.addAll(List.of(args));
    return start(List.of(), scratch, env, command);
  }

  /**
   * Starts {@code PREFIX... java -jar distvault.jar COMMAND...}; the prefix runs the JVM elsewhere,
   * e.g. {@code ip netns exec NAME}.
   */
  public static JarServer start(List<String> prefix, Path scratch, List<String> command) throws IOException {
    return start(prefix, scratch, Map.of(), command);
  }

  private static JarServer start(List<String> prefix, Path scratch, Map<String, String> env, List<String> command)
      throws IOException {
    Path nativeDir = Files.createDirectories(scratch.resolve("native"));
    List<String> full = new ArrayList<>(prefix);
    full.addAll(List.of(OpsPaths.java().toString(), "-Djava.io.tmpdir=" + nativeDir, "-jar", OpsPaths.jar().toString()));
    full.addAll(command);
    // A killed JVM leaves its extracted librocksdbjni*.so behind: keep it inside the scratch dir.
    Map<String, String> all = new HashMap<>(env);
    all.put("ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
    return launch(full, all,
        scratch.resolve("serve-" + System.nanoTime() + ".stderr"));
  }

  /**
   * Runs {@code command} (anything that ends up as {@code distvault serve}, e.g. the installed
   * launcher) with {@code env} added to its environment and stderr to {@code stderr}, and waits
   * until its first line says where it listens.
   */
  public static JarServer launch(List<String> command, Map<String, String> env, Path stderr) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    // A child that neither listens nor exits must not hang the test: kill it after a minute,
    // which ends the readLine below with null.
    CompletableFuture<Void> watchdog = CompletableFuture.runAsync(
        p::destroyForcibly, CompletableFuture.delayedExecutor(START_SECONDS, TimeUnit.SECONDS));
    boolean started = false;
    // Not closed on success: the drain thread below keeps reading the child's stdout.
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
    try {
      String line = out.readLine();
      if (line == null) {
        throw new IOException(command + " exited (or was killed after " + START_SECONDS
            + " s) before listening: " + Files.readString(stderr));
      }
      Matcher m = LISTENING.matcher(line);
      if (!m.matches()) {
        throw new IOException(command + " printed " + line + " instead of listening; stderr: "
            + Files.readString(stderr));
      }
      List<String> lines = new ArrayList<>(List.of(line));
      // The rest of the banner: token file, the admin API's URL with --admin-listen, comment,
      // MASTER_SITE_OVERRIDE.
      for (int j = 0; j < 4 && line != null && !line.startsWith("MASTER_SITE_OVERRIDE="); j++) {
        line = out.readLine();
        lines.add(line);
      }
      started = true;
      watchdog.cancel(false);
      // Nothing more is printed on stdout; drain it anyway so the child never blocks.
      Thread drain = new Thread(() -> drain(out), "jar-server-stdout");
      drain.setDaemon(true);
      drain.start();
      return new JarServer(p, m.group(1), stderr, List.copyOf(lines));
    } finally {
      if (!started) {
        watchdog.cancel(false);
        p.destroyForcibly();
        out.close();
      }
    }
  }

  private static void drain(BufferedReader out) {
    try (out) {
      while (out.readLine() != null) {
        // discard
      }
    } catch (IOException e) {
      // The child is gone; nothing to drain.
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40123/}, with the trailing slash. */
  public String url() {
    return url;
  }

  /** The process: the JVM itself, also when a launcher {@code exec}ed it. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** GET /healthz: status and body. */
  public HttpResponse<String> health() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What {@code serve} printed on stdout before it started serving. */
  public List<String> banner() {
    return banner;
  }

  public String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** SIGTERM, then waits; returns the exit status. */
  public int terminate() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("distvault serve did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
