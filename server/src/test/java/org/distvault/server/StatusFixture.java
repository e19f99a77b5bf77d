package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import org.distvault.server.mode.Mode;
import org.distvault.server.status.StatusAccess;
import org.distvault.storage.record.Seal;

/**
 * A store for the status page's tests, served offline: the default set with one present distfile
 * and one whose prefetch failed, both its name (from a distinfo) and its failure reason (from an
 * upstream's answer) looking like markup; set A sealed, set B filling with one missing; two hits,
 * and three misses, each a violation (of the failed one, of a name with {@code '} and {@code &}
 * that no manifest lists, of B's distfile through set A); one scrub.
 */
final class StatusFixture {
  /** The name of a violation that would run script if the page did not escape it. */
  static final String XSS_NAME = "<script>alert(1)</script>.tar.gz";
  /** How a violation names it: as the request sent it, percent-encoded. */
  static final String XSS_REQUESTED = "%3Cscript%3Ealert(1)%3C/script%3E.tar.gz";
  /** A requested name with the characters HTML needs escaped that a request line may carry as they are. */
  static final String AMPERSAND_NAME = "it's&gone-1.0.tar.gz";
  /** A prefetch failure reason with markup in it (it comes from upstream servers' answers). */
  static final String FAILED_REASON = "HTTP 404 <b onmouseover=alert(2)>Not Found</b> & gone";
  static final int HITS = 2;
  static final int VIOLATIONS = 3;

  final TestServer server;
  final Seal sealOfA;

  private StatusFixture(TestServer server, Seal sealOfA) {
    this.server = server;
    this.sealOfA = sealOfA;
  }

  /** Fills and exercises a new server on {@code data} with the status page as {@code access} says. */
  static StatusFixture start(Path data, StatusAccess access) throws IOException {
    TestServer s = TestServer.of(DistvaultServer.start(ServerConfig.defaults(data).withPort(0).withMode(Mode.OFFLINE)
        .withExposure(Exposure.DEFAULT.withStatusPage(access))));
    try {
      Catalogue dflt = s.catalogue();
      dflt.present("hit-1.0.tar.gz", "devel/hit", Catalogue.content(901, 20_000));
      dflt.failed(XSS_NAME, "devel/xss", Catalogue.content(902, 1_000), "https://upstream.invalid/xss.tar.gz",
          FAILED_REASON);
      Catalogue a = s.catalogue().in("A");
      a.present("a-1.0.tar.gz", "devel/a", Catalogue.content(903, 3_000));
      Seal seal = a.seal();
      s.catalogue().in("B").expect("b-1.0.tar.gz", "devel/b", Catalogue.content(904, 500),
          "https://upstream.invalid/b-1.0.tar.gz");
      for (int i = 0; i < HITS; i++) {
        expect(s, 200, "/distfiles/hit-1.0.tar.gz");
      }
      expect(s, 404, "/pkg/devel/xss/" + XSS_REQUESTED);
      expect(s, 404, "/distfiles/" + AMPERSAND_NAME);
      expect(s, 404, "/set/A/pkg/devel/b/b-1.0.tar.gz");
      Response scrub = s.admin().post("/api/v1/scrub");
      assertEquals(200, scrub.statusCode(), scrub.asString());
      return new StatusFixture(s, seal);
    } catch (IOException | RuntimeException | AssertionError e) {
      s.close();
      throw e;
    }
  }

  private static void expect(TestServer s, int status, String path) {
    Response r = s.http().get(path);
    assertEquals(status, r.statusCode(), path + ": " + r.asString());
  }
}
