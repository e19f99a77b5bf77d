package org.distvault.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * What was built: the Maven version and the git commit, from {@code build.properties}, which the
 * server module's build fills in ({@code -Ddistvault.revision=$(git rev-parse HEAD)}).
 *
 * @param version e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the classes were built another way
 * @param revision the commit as the build was told it, else {@code unknown}
 */
public record BuildInfo(String version, String revision) {
  public static final String UNKNOWN = "unknown";

  public BuildInfo {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(revision, "revision");
  }

  /** This build's, read from the class path. */
  public static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties from the class path", e);
    }
    return new BuildInfo(p.getProperty("version", UNKNOWN).strip(), p.getProperty("revision", UNKNOWN).strip());
  }
}
