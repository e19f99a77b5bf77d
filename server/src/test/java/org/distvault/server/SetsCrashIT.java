package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distvault.prefetch.client.AdminApiException;
import org.distvault.server.mode.Mode;
import org.distvault.server.testing.SealCheck;
import org.distvault.server.testing.TestContent;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.SetName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every set's state and seal survive a SIGKILL of {@code distvault serve}: a sealed set comes back
 * sealed with the same seal and refuses uploads, a filling one fills, and the default set sealed
 * through the sets API while online comes back sealed without taking the server offline.
 */
@Timeout(180)
class SetsCrashIT {
  @TempDir Path data;
  @TempDir Path scratch;

  private final byte[] x = TestContent.bytes(21, 4000);
  private final byte[] y = TestContent.bytes(22, 5000);

  private ExpectedDistfile entry(String name, byte[] content) {
    return TestContent.entry(name, "cat/p", content, "http://127.0.0.1:9/" + name);
  }

  @Test
  void sealedSetsStaySealedAfterSigkillAndFillingOnesFill() throws Exception {
    JsonNode sealA;
    JsonNode sealDefault;
    try (ChildServer child = ChildServer.start(data, scratch)) {
      SetClient c = new SetClient(child.base(), Files.readAllLines(data.resolve("admin.token")).get(0));
      c.blob(x, scratch);
      c.blob(y, scratch);
      c.manifest("A", List.of(entry("x-1.tgz", x)));
      c.manifest("B", List.of(entry("x-1.tgz", x)));
      c.manifest("default", List.of(entry("y-1.tgz", y)));
      assertEquals(1, c.have("A", List.of(entry("x-1.tgz", x))).cardinality());
      assertEquals(1, c.have("B", List.of(entry("x-1.tgz", x))).cardinality());
      assertEquals(1, c.have("default", List.of(entry("y-1.tgz", y))).cardinality());
      sealA = c.state("A", "sealed").path("seal");
      sealDefault = c.state("default", "sealed").path("seal");
      assertEquals("online", c.get("api/v1/mode").path("mode").asText());
      assertEquals(137, child.kill());
    }

    try (ChildServer child = ChildServer.start(data, scratch)) {
      SetClient c = new SetClient(child.base(), Files.readAllLines(data.resolve("admin.token")).get(0));
      assertEquals("online", c.get("api/v1/mode").path("mode").asText(),
          "the default set sealed through the sets API does not make the server offline");
      JsonNode a = c.get("api/v1/sets/A");
      assertEquals("sealed", a.path("state").asText());
      assertEquals(sealA, a.path("seal"));
      assertEquals(SealCheck.sortUniqSha256(List.of(SealCheck.line("x-1.tgz", x)), scratch),
          a.path("seal").path("digest").asText());
      assertEquals(sealDefault, c.get("api/v1/sets/default").path("seal"));
      assertEquals("filling", c.get("api/v1/sets/B").path("state").asText());

      AdminApiException refused = assertThrows(AdminApiException.class,
          () -> c.manifest("A", List.of(entry("y-1.tgz", y))), "the freeze came back with the seal");
      assertEquals(409, refused.status());
      assertTrue(refused.getMessage().contains("set A is sealed"), refused.getMessage());
      assertEquals(409, assertThrows(AdminApiException.class,
          () -> c.manifest("default", List.of(entry("x-1.tgz", x)))).status());
      assertEquals(0, c.have("A", List.of(entry("y-1.tgz", y))).cardinality(), "a sealed set binds nothing");
      c.manifest("B", List.of(entry("y-1.tgz", y)));
      assertEquals(1, c.have("B", List.of(entry("y-1.tgz", y))).cardinality(), "B fills");
      assertEquals(2, c.get("api/v1/sets/B").path("present").asLong());
      assertEquals(143, child.terminate());
    }

    try (TestServer s = TestServer.start(data)) {
      assertEquals(Mode.ONLINE, s.server.modes().current());
      assertEquals(sealA.path("digest").asText(), s.server.vault().seals().get(SetName.of("A")).digest());
    }
  }
}
