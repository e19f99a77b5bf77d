package org.distvault.storage;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's {@code testdata/} directory (real pkgsrc distinfo files). */
public final class TestData {
  private TestData() {}

  /** The {@code testdata/} directory of the checkout; fails the test run loudly when it is missing. */
  public static Path dir() {
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
    throw new IllegalStateException(
        "testdata/ not found in the checkout (set -Ddistvault.testdata=DIR)");
  }

  /** The 400 curated real distinfo files. */
  public static Path curatedDistinfo() {
    return dir().resolve("pkgsrc-distinfo");
  }

  /** The tarball of all 20,381 real distinfo files. */
  public static Path allDistinfoTarball() {
    return dir().resolve("pkgsrc-distinfo-all.tar.gz");
  }
}
