package org.distvault.prefetch.source;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The prefetch tool's pkgsrc fixture tree ({@code prefetch-tool/src/test/resources/pkgsrc-fixture}),
 * for runs with bmake, found on disk from any module of the checkout (the server's tests too).
 */
public final class PkgsrcFixture {
  private PkgsrcFixture() {}

  /** The tree; skips the test when bmake is not installed. */
  public static Path tree() {
    assumeTrue(onPath("bmake"), "bmake is not installed (Debian package: bmake)");
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("prefetch-tool/src/test/resources/pkgsrc-fixture");
      if (Files.isRegularFile(p.resolve("Makefile"))) {
        return p;
      }
    }
    throw new AssertionError("no pkgsrc fixture tree above " + Path.of("").toAbsolutePath());
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
