package org.distvault.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar starts, prints its banner, answers /healthz and stops on SIGTERM with 143. */
class JarServerIT {
  @TempDir Path dir;

  @Test
  void shadedJarServesAndStops() throws Exception {
    try (JarServer server = JarServer.start(dir.resolve("data"), dir)) {
      assertTrue(server.banner().get(1).startsWith("admin token file: "), server.banner().toString());
      assertTrue(Files.isRegularFile(dir.resolve("data/admin.token")));
      HttpResponse<String> health = server.health();
      assertEquals(200, health.statusCode());
      assertEquals("{\"status\":\"ok\",\"mode\":\"online\",\"blobs\":0}", health.body().strip());
      assertEquals(143, server.terminate(), server.stderr());
    }
  }
}
