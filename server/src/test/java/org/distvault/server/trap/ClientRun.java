package org.distvault.server.trap;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a real client program with a bounded wait: the test fails (and the process is
 * killed) when it has not exited within the limit, so a client hanging on the proxy is a failure,
 * not a slow test.
 */
record ClientRun(int exit, String output) {
  static final long LIMIT_SECONDS = 60;

  /** Runs {@code command} in {@code dir} with {@code env} added to a minimal environment. */
  static ClientRun of(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    // No proxy settings, credentials or configuration of the machine running the tests leak in.
    e.keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).contains("proxy") || k.startsWith("npm_")
        || k.startsWith("PIP_") || k.startsWith("GIT_"));
    e.put("HOME", dir.toString());
    e.putAll(env);
    Path out = Files.createTempFile(dir, "client", ".out");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      fail(command + " did not exit within " + LIMIT_SECONDS + " s: " + Files.readString(out, StandardCharsets.UTF_8));
    }
    return new ClientRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
