package org.distvault.e2e.install;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs the tests run on the PATH, as a shell would. */
public final class Executables {
  private Executables() {}

  /** The first executable {@code name} on PATH, if any. */
  public static Optional<Path> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The executable {@code name} on PATH; fails (never skips) when it is missing, naming the Debian
   * package that ships it.
   */
  public static Path require(String name, String debianPackage) {
    return find(name).orElseThrow(() -> new AssertionError(name + " is not on PATH: install Debian's "
        + debianPackage + " package (.ci/run installs it)"));
  }
}
