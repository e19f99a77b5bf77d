package org.distvault.prefetch.source;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the repository's {@code testdata/}, as storage's test helper {@code TestData}
 * does (that class is in storage's test sources, which this module cannot see).
 */
final class SharedTestData {
  private SharedTestData() {}

  /** The 400 curated real distinfo files ({@code <cat>/<pkg>/distinfo}). */
  static Path curatedDistinfo() {
    return dir().resolve("pkgsrc-distinfo");
  }

  private static Path dir() {
    String prop = System.getProperty("distvault.testdata");
    if (prop != null && Files.isDirectory(Path.of(prop))) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("testdata");
      if (Files.isDirectory(candidate.resolve("pkgsrc-distinfo"))) {
        return candidate.normalize();
      }
    }
    throw new IllegalStateException("testdata/ not found in the checkout (set -Ddistvault.testdata=DIR)");
  }
}
