package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distvault_build_info}: the POM's version and the commit the build was given
 * ({@code -Ddistvault.revision}, else {@code unknown}), as the build wrote them into {@code build.properties}.
 */
@Timeout(120)
class BuildInfoIT {
  @TempDir Path data;

  @Test
  void metricCarriesThePomVersionAndTheRevisionBuilt() throws Exception {
    Path repo = Path.of(System.getProperty("distvault.testdata")).getParent();
    Matcher parent = Pattern.compile("<artifactId>distvault-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(repo.resolve("pom.xml")));
    assertTrue(parent.find(), "no version in the parent POM");
    BuildInfo build = BuildInfo.current();
    assertEquals(parent.group(1), build.version());
    assertTrue(build.revision().matches("unknown|[0-9a-f]{7,40}"), build.revision());
    try (TestServer s = TestServer.start(data)) {
      String metrics = s.http().get("/metrics").asString();
      String line = "distvault_build_info{revision=\"" + build.revision() + "\",version=\"" + parent.group(1)
          + "\"} 1";
      assertTrue(metrics.contains("\n" + line + "\n"), metrics);
    }
  }
}
