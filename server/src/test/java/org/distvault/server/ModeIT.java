package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.server.mode.Mode;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modes through the admin API: persisted across restarts, audited, sealed, and gating uploads. */
class ModeIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  private static JsonNode json(Response r) throws IOException {
    return JSON.readTree(r.asString());
  }

  private static List<JsonNode> audit(Vault vault) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (LogEntry e : vault.read(LogKind.AUDIT, 0, 1000)) {
      out.add(JSON.readTree(e.payload()));
    }
    return out;
  }

  @Test
  void freshStoreStartsOnlineAndAuditsIt() throws IOException {
    try (TestServer s = TestServer.start(data)) {
      JsonNode mode = json(s.admin().get("/api/v1/mode"));
      assertEquals("online", mode.path("mode").asText());
      assertEquals("local:serve", mode.path("changedBy").asText());
      assertTrue(mode.path("seal").isNull());
      assertEquals(Optional.empty(), s.server.modes().uploadRefusal());
      List<JsonNode> audit = audit(s.server.vault());
      assertEquals(1, audit.size());
      assertTrue(audit.get(0).path("from").isNull());
      assertEquals("online", audit.get(0).path("to").asText());
      assertEquals(404, s.admin().get("/api/v1/seal").statusCode());
    }
  }

  @Test
  void goingOfflineIsAuditedWithTokenIdNeverTheToken() throws IOException {
    try (TestServer s = TestServer.start(data)) {
      Response r = s.admin().body("{\"mode\":\"offline\",\"reason\":\"bulk build 2026Q4\"}").put("/api/v1/mode");
      assertEquals(200, r.statusCode());
      JsonNode mode = json(r);
      assertEquals("offline", mode.path("mode").asText());
      assertEquals(s.server.token().id(), mode.path("changedBy").asText());
      assertTrue(mode.path("changedBy").asText().matches("token:[0-9a-f]{8}"));
      assertEquals("bulk build 2026Q4", mode.path("reason").asText());
      assertEquals("distvault is offline (sealed): uploads are refused",
          s.server.modes().uploadRefusal().orElseThrow());

      List<JsonNode> audit = audit(s.server.vault());
      assertEquals(2, audit.size());
      JsonNode change = audit.get(1);
      assertEquals("mode", change.path("action").asText());
      assertEquals("online", change.path("from").asText());
      assertEquals("offline", change.path("to").asText());
      assertEquals(s.server.token().id(), change.path("by").asText());
      assertEquals("127.0.0.1", change.path("client").asText());
      assertEquals("bulk build 2026Q4", change.path("reason").asText());
      assertEquals(mode.path("seal"), change.path("seal"));
      for (JsonNode a : audit) {
        assertFalse(a.toString().contains(s.token()), "audit entry contains the token: " + a);
      }

      // Setting the mode in force changes and records nothing.
      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);
      assertEquals(2, audit(s.server.vault()).size());
    }
  }

  @Test
  void modeAndSealSurviveARestart() throws IOException {
    JsonNode sealed;
    try (TestServer s = TestServer.start(data)) {
      s.catalogue().present("a-1.tar.gz", "cat/a", Catalogue.content(1, 100));
      sealed = json(s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode"));
    }
    try (TestServer s = TestServer.start(data)) {
      JsonNode mode = json(s.admin().get("/api/v1/mode"));
      assertEquals(sealed, mode);
      assertEquals(sealed.path("seal"), json(s.admin().get("/api/v1/seal")));
      // Still frozen: nothing may be bound behind the seal after a restart either.
      assertEquals(Optional.of("distvault is offline (sealed): uploads are refused"),
          s.server.vault().frozen());
      s.admin().body("{\"mode\":\"online\"}").put("/api/v1/mode").then().statusCode(200);
      assertEquals(Optional.empty(), s.server.vault().frozen());
      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);
      // A miss after the restart is a violation: the offline policy is in force.
      s.http().get("/distfiles/b-1.tar.gz").then().statusCode(404);
      assertEquals(1, s.server.violations().lastCursor());
    }
  }

  @Test
  void modeFlagAtStartIsAuditedAsTheLocalOperator() throws IOException {
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      assertEquals(Mode.OFFLINE, s.server.modes().current());
    }
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      JsonNode mode = json(s.admin().get("/api/v1/mode"));
      assertEquals("online", mode.path("mode").asText());
      assertEquals("local:serve", mode.path("changedBy").asText());
      assertEquals("--mode online at start-up", mode.path("reason").asText());
      assertTrue(mode.path("seal").isNull());
      List<JsonNode> audit = audit(s.server.vault());
      // A new store started with --mode offline goes straight to offline.
      assertEquals(List.of("offline", "online"), audit.stream().map(a -> a.path("to").asText()).toList());
      assertEquals("local", audit.get(1).path("client").asText());
      // The last seal stays readable after going online again.
      assertEquals(200, s.admin().get("/api/v1/seal").statusCode());
    }
  }

  @Test
  void sealEqualsAnIndependentlyComputedDigest() throws Exception {
    List<String> lines = new ArrayList<>();
    try (TestServer s = TestServer.start(data)) {
      Catalogue c = s.catalogue();
      String[][] files = {
          {"zlib-1.3.1.tar.gz", "devel/zlib"}, {"Zope-5.0.tar.gz", "www/zope"},
          {"mysql%2B%2B-3.3.0.tar.gz", "databases/mysql++"}, {"go/golang.org/x/@v/v0.1.zip", "lang/go-x"},
          {"v2.1.0.tar.gz", "wip/pheanstalk"}, {"v2.1.0.tar.gz", "wip/boron"}, {"\u00e9t\u00e9-1.0.tgz", "misc/ete"}};
      for (int i = 0; i < files.length; i++) {
        byte[] b = Catalogue.content(100 + i, 1000 + i);
        c.present(files[i][0], files[i][1], b);
        lines.add(files[i][0] + "\t" + Catalogue.sha512Hex(b) + "\n");
      }
      // Catalogued but not stored: not part of the seal.
      c.expect("missing-1.0.tar.gz", "misc/missing", Catalogue.content(99, 10));
      JsonNode seal = json(s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode")).path("seal");
      assertEquals(files.length, seal.path("entries").asLong());

      // The same lines, sorted bytewise and hashed by coreutils.
      Path unsorted = data.resolve("seal-lines.txt");
      Files.writeString(unsorted, String.join("", lines), StandardCharsets.UTF_8);
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", "LC_ALL=C sort -u \"$1\" | sha256sum", "sh", unsorted.toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertEquals("sha256:" + out.substring(0, 64), seal.path("digest").asText());
    }
  }

  /**
   * Outcomes binding held blobs are posted from 4 threads while the server goes offline: each is
   * either bound before the seal or refused with 409, so the seal holds; sealing again after all
   * of them ended gives the same digest.
   */
  @Test
  void bindsRacingTheSealAreInItOrRefused() throws Exception {
    int files = 400;
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      Catalogue c = s.catalogue();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        String name = "race-" + i + ".tar.gz";
        byte[] b = Catalogue.content(1000 + i, 200 + i);
        c.expect(name, "devel/race" + i, b, "https://upstream.invalid/" + name);
        s.server.vault().ingest(new ByteArrayInputStream(b), Expectation.of(b.length, Catalogue.distinfoDigests(b)));
        ObjectNode o = JSON.createObjectNode().put("name", name);
        o.putArray("pkgpaths").add("devel/race" + i);
        ObjectNode d = o.putObject("digests");
        Catalogue.distinfoDigests(b).toHexMap().forEach(d::put);
        lines.add(o.put("status", "ok").put("url", "https://upstream.invalid/" + name)
            .put("sha512", Catalogue.sha512Hex(b)).toString() + "\n");
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
      try {
        List<Future<?>> posts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          posts.add(pool.submit(() -> {
            for (int i = first; i < files; i += 4) {
              int status = s.admin().body(lines.get(i))
                  .post("/api/v1/outcomes").statusCode();
              statuses.merge(status, 1, Integer::sum);
            }
            return null;
          }));
        }
        // Seal in the middle of the stream: once some are bound, while the others are sent.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (statuses.getOrDefault(200, 0) < 20 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        JsonNode sealed = json(s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode")).path("seal");
        for (Future<?> post : posts) {
          post.get(120, TimeUnit.SECONDS);
        }
        assertTrue(Set.of(200, 409).containsAll(statuses.keySet()), statuses.toString());
        assertEquals(files, statuses.getOrDefault(200, 0) + statuses.getOrDefault(409, 0));
        assertTrue(statuses.getOrDefault(200, 0) >= 20 && statuses.getOrDefault(409, 0) > 0, statuses.toString());
        assertEquals(statuses.get(200).longValue(), sealed.path("entries").asLong(), statuses.toString());

        s.admin().body("{\"mode\":\"online\"}").put("/api/v1/mode").then().statusCode(200);
        JsonNode again = json(s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode")).path("seal");
        assertEquals(sealed.path("digest"), again.path("digest"));
        assertEquals(sealed.path("entries"), again.path("entries"));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** {@code /api/v1/have} is a question, not an upload: a sealed server still answers it, binding nothing. */
  @Test
  void haveIsAnsweredWhileSealedAndBindsNothing() throws IOException {
    byte[] bound = Catalogue.content(51, 3_000);
    byte[] held = Catalogue.content(52, 4_000);
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      s.catalogue().present("bound-1.0.tar.gz", "devel/bound", bound);
      s.catalogue().expect("held-1.0.tar.gz", "devel/held", held);
      s.server.vault().ingest(new ByteArrayInputStream(held), Expectation.of(held.length, Catalogue.distinfoDigests(held)));
      s.admin().body("{\"mode\":\"offline\"}").put("/api/v1/mode").then().statusCode(200);

      ObjectNode body = JSON.createObjectNode();
      for (Object[] e : new Object[][] {{"bound-1.0.tar.gz", "devel/bound", bound}, {"held-1.0.tar.gz", "devel/held", held}}) {
        ObjectNode o = body.withArray("entries").addObject().put("name", (String) e[0]).put("pkgpath", (String) e[1]);
        Catalogue.distinfoDigests((byte[]) e[2]).toHexMap().forEach(o.putObject("digests")::put);
      }
      Response r = s.admin().body(body.toString()).post("/api/v1/have");
      assertEquals(200, r.statusCode(), r.asString());
      assertEquals("{\"present\":[0],\"missing\":[1]}\n", r.asString());
      assertTrue(s.catalogue().variantFor("held-1.0.tar.gz", "devel/held").blob().isEmpty(), "nothing bound");
    }
  }

  @Test
  void badModeBodiesAreRejectedAndChangeNothing() throws IOException {
    try (TestServer s = TestServer.start(data)) {
      String[][] cases = {
          {"{\"mode\":\"sealed\"}", "field 'mode' must be \"online\" or \"offline\""},
          {"{}", "field 'mode' must be \"online\" or \"offline\""},
          {"{\"mode\":\"offline\",\"why\":\"x\"}", "unknown field 'why': expected mode and reason"},
          {"{\"mode\":\"offline\",\"reason\":7}", "field 'reason' must be a string of at most 1000 characters"},
          {"[\"offline\"]", "request body must be a JSON object"},
      };
      for (String[] c : cases) {
        Response r = s.admin().body(c[0]).put("/api/v1/mode");
        assertEquals(400, r.statusCode(), c[0]);
        assertEquals(c[1], json(r).path("error").asText(), c[0]);
      }
      Response notJson = s.admin().body("offline").put("/api/v1/mode");
      assertEquals(400, notJson.statusCode());
      assertTrue(json(notJson).path("error").asText().startsWith("request body is not JSON: "));
      Response tooBig = s.admin().body("{\"mode\":\"offline\",\"reason\":\"" + "x".repeat(70_000) + "\"}")
          .put("/api/v1/mode");
      assertEquals(413, tooBig.statusCode());
      assertEquals(Mode.ONLINE, s.server.modes().current());
      assertEquals(1, audit(s.server.vault()).size());
    }
  }
}
