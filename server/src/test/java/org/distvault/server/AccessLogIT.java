package org.distvault.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --access-log} through the whole server: the exact line of a hit, a miss in a sealed
 * set, a request outside every route and a range, written by the log's own thread.
 */
@Timeout(120)
class AccessLogIT {
  static final byte[] MAKE = Catalogue.content(501, 70_000);
  static final Clock AT = Clock.fixed(Instant.parse("2026-12-06T16:01:02Z"), ZoneOffset.UTC);
  static final String TIME = "[06/Dec/2026:16:01:02 +0000]";

  @TempDir Path data;
  @TempDir Path logs;

  @Test
  void eachRequestIsOneLineInCommonLogFormatWithPkgpathAndSet() throws IOException {
    Path file = logs.resolve("access.log");
    String missBody;
    String noRouteBody;
    try (TestServer s = TestServer.of(DistvaultServer.start(ServerConfig.defaults(data).withPort(0)
        .withMode(Mode.ONLINE).withClock(AT).withAccessLog(file)))) {
      s.catalogue().present("make-4.4.tar.gz", "devel/gmake", MAKE);
      s.catalogue().in("2026Q4").seal();

      Response hit = s.http().get("/pkg/devel/gmake/make-4.4.tar.gz");
      assertEquals(200, hit.statusCode());
      Response miss = s.http().get("/set/2026Q4/pkg/devel/gmake/make-4.4.tar.gz");
      assertEquals(404, miss.statusCode());
      missBody = miss.asString();
      Response noRoute = s.http().get("/nothing/here?x=1");
      assertEquals(404, noRoute.statusCode());
      noRouteBody = noRoute.asString();
      Response range = s.http().header("Range", "bytes=100-299").get("/distfiles/make-4.4.tar.gz");
      assertEquals(206, range.statusCode());
      String metrics = s.http().get("/metrics").asString();
      assertTrue(metrics.contains("\ndistvault_access_log_dropped_total 0.0\n"), metrics);
    }
    // close() wrote what was queued: every exchange, the /metrics scrape included.
    List<String> lines = Files.readAllLines(file);
    assertEquals(List.of(
        "127.0.0.1 - - " + TIME + " \"GET /pkg/devel/gmake/make-4.4.tar.gz HTTP/1.1\" 200 70000 devel/gmake default",
        "127.0.0.1 - - " + TIME + " \"GET /set/2026Q4/pkg/devel/gmake/make-4.4.tar.gz HTTP/1.1\" 404 "
            + missBody.getBytes(UTF_8).length + " devel/gmake 2026Q4",
        "127.0.0.1 - - " + TIME + " \"GET /nothing/here?x=1 HTTP/1.1\" 404 "
            + noRouteBody.getBytes(UTF_8).length + " - -",
        "127.0.0.1 - - " + TIME + " \"GET /distfiles/make-4.4.tar.gz HTTP/1.1\" 206 200 - default"),
        lines.subList(0, 4));
    assertTrue(lines.get(4).startsWith("127.0.0.1 - - " + TIME + " \"GET /metrics HTTP/1.1\" 200 "), lines.get(4));
    assertTrue(lines.get(4).endsWith(" - -"), lines.get(4));
    assertEquals(5, lines.size(), lines.toString());
  }

  @Test
  void unwritableFileRefusesToStart() throws IOException {
    Path dir = Files.createDirectories(logs.resolve("a-directory"));
    IOException e = assertThrows(IOException.class,
        () -> DistvaultServer.start(ServerConfig.defaults(data).withPort(0).withAccessLog(dir)));
    assertTrue(e.getMessage().startsWith(dir + ": "), e.getMessage());
  }
}
