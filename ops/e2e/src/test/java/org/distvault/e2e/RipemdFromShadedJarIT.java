package org.distvault.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RIPEMD-160 from the shaded jar, whose Bouncy Castle is cut down to what RIPEMD160Digest needs
 * (server/pom.xml): {@code prefetch} verifies old-style distinfo entries that list only RMD160 and
 * Size, one right (fetched, served) and one wrong (failed as an RMD160 mismatch, not as a missing
 * class).
 */
class RipemdFromShadedJarIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void prefetchVerifiesRmd160OnlyDistinfoWithTheShadedJar() throws Exception {
    // RIPEMD-160 of "abc" x 1000, as openssl dgst -rmd160 and Python's hashlib give it.
    byte[] good = "abc".repeat(1000).getBytes(UTF_8);
    String goodRmd = "6a095715f1254930bccf69466dbb48856366e385";
    byte[] other = new byte[2000];
    new Random(7).nextBytes(other);
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.write(site.resolve("old-1.0.tar.gz"), good);
    Files.write(site.resolve("lie-1.0.tar.gz"), other);
    Path tree = dir.resolve("tree");
    distinfo(tree.resolve("cat/old/distinfo"), "old-1.0.tar.gz", goodRmd, good.length);
    distinfo(tree.resolve("cat/lie/distinfo"), "lie-1.0.tar.gz", goodRmd, other.length);

    try (JarServer server = JarServer.start(dir.resolve("data"), dir)) {
      Exec.Result r = Exec.of(OpsPaths.java().toString(), "-Djava.io.tmpdir=" + dir.resolve("native"), "-jar",
              OpsPaths.jar().toString(), "prefetch", "--server", server.url(), "--token-file",
              dir.resolve("data/admin.token").toString(), "--distinfo", tree.toString(), "--site", site.toUri().toString())
          .env("ROCKSDB_SHAREDLIB_DIR", dir.resolve("native").toString())
          .timeout(Duration.ofSeconds(120))
          .run();
      assertEquals(1, r.exit(), r.toString());
      Map<String, JsonNode> outcomes = new HashMap<>();
      JSON.readTree(r.stdout()).path("outcomes").forEach(o -> outcomes.put(o.path("name").asText(), o));
      assertEquals("ok", outcomes.get("old-1.0.tar.gz").path("status").asText(), r.toString());
      JsonNode lie = outcomes.get("lie-1.0.tar.gz");
      assertEquals("failed", lie.path("status").asText(), r.toString());
      assertTrue(lie.path("reason").asText().contains("RMD160"), lie.toString());
      assertTrue(!r.stderr().contains("NoClassDefFoundError") && !r.stderr().contains("ClassNotFoundException"),
          r.toString());

      HttpResponse<byte[]> served = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server.url() + "pkg/cat/old/old-1.0.tar.gz")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, served.statusCode());
      assertArrayEquals(good, served.body());
    }
  }

  private static void distinfo(Path file, String name, String rmd160, long size) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of("$NetBSD$", "", "RMD160 (" + name + ") = " + rmd160,
        "Size (" + name + ") = " + size + " bytes"), UTF_8);
  }
}
