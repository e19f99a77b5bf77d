package org.distvault.e2e.install;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code distvault serve} started through the installed launcher (not {@code java -jar}), waiting
 * for its {@code listening} line; stderr goes to a file. Closing kills it.
 */
final class LaunchedServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("^listening (http://[^ ]+/) .*");

  private final Process process;
  private final String url;
  private final Path stderr;

  private LaunchedServer(Process process, String url, Path stderr) {
    this.process = process;
    this.url = url;
    this.stderr = stderr;
  }

  /** Runs {@code command} with {@code env} added to the environment, until it listens. */
  static LaunchedServer start(List<String> command, Map<String, String> env, Path stderr) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
      String line = out.readLine();
      Matcher m = line == null ? null : LISTENING.matcher(line);
      if (m == null || !m.matches()) {
        p.destroyForcibly();
        throw new IOException(command + " printed " + line + " instead of listening; stderr: " + Files.readString(stderr));
      }
      Thread drain = new Thread(() -> drain(p), "launched-server-stdout");
      drain.setDaemon(true);
      drain.start();
      return new LaunchedServer(p, m.group(1), stderr);
    }
  }

  private static void drain(Process p) {
    try {
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The child is gone; nothing left to drain.
    }
  }

  /** The process the launcher became: {@code exec} leaves the JVM in the launcher's place. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  String url() {
    return url;
  }

  /** GET /healthz: status and body. */
  HttpResponse<String> health() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** SIGTERM, then waits at most 60 s; returns the exit status. */
  int terminate() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("distvault did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }
}
