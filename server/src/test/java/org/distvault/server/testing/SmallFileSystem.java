package org.distvault.server.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real tmpfs of a few MiB mounted for one test, to fill up: the only honest way to see what a
 * full disk does to RocksDB, the JDK and the server. Needs root (CI runs as root); the test is
 * skipped otherwise. {@link #close} unmounts it.
 */
public final class SmallFileSystem implements AutoCloseable {
  private final Path mountPoint;
  private final long bytes;

  private SmallFileSystem(Path mountPoint, long bytes) {
    this.mountPoint = mountPoint;
    this.bytes = bytes;
  }

  /** Mounts a tmpfs of {@code mib} MiB on {@code dir} (created if missing); skips the test when not root. */
  public static SmallFileSystem mount(Path dir, int mib) throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m,mode=0700", "tmpfs", dir.toString());
    return new SmallFileSystem(dir, (long) mib << 20);
  }

  public Path root() {
    return mountPoint;
  }

  public long size() {
    return bytes;
  }

  /**
   * Writes {@code filler} until the file system is full (the write fails with "No space left on
   * device"); returns the bytes it holds.
   */
  public long fill(Path filler) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      // Bounded: a file system that never fills (not a tmpfs after all) fails the test below.
      for (long i = 0; i < (bytes / chunk.length) + 16; i++) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
      return written;
    }
    throw new IllegalStateException(mountPoint + " took " + written + " bytes without filling up");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", mountPoint.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 30 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
    }
  }
}
