package org.distvault.server.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** The prefetch tool's pkgsrc fixture tree (a sibling module's test resources), for runs with bmake. */
final class PkgsrcFixture {
  private PkgsrcFixture() {}

  /** The tree; skips the test when bmake is not installed. */
  static Path tree() {
    assumeTrue(onPath("bmake"), "bmake is not installed (Debian package: bmake)");
    Path p = Path.of("../prefetch-tool/src/test/resources/pkgsrc-fixture").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(p.resolve("Makefile")), "no fixture tree at " + p);
    return p;
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
