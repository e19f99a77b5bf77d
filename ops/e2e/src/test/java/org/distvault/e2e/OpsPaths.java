package org.distvault.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the runnable jar, the operator material under {@code ops/}, and the test data. */
public final class OpsPaths {
  private OpsPaths() {}

  /** {@code server/target/distvault.jar}, built by the reactor before this module. */
  public static Path jar() {
    return existing("distvault.jar", "the server module's shaded jar (mvn -am package)");
  }

  /** The {@code ops/} directory of the checkout. */
  public static Path ops() {
    return existing("distvault.ops", "the ops/ directory");
  }

  /** The checkout's {@code testdata/}. */
  public static Path testdata() {
    return existing("distvault.testdata", "the checkout's testdata/");
  }

  private static Path existing(String property, String what) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException("system property " + property + " (" + what + ") is not set");
    }
    Path path = Path.of(value).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(what + " not found at " + path);
    }
    return path;
  }

  /** The {@code java} of the JVM running the tests. */
  public static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
