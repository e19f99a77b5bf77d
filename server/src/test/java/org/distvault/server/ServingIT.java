package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hits through the whole stack: blobs ingested into a real vault, manifests upserted into its
 * catalog, then served by a real server over loopback on every serving route.
 */
class ServingIT {
  @TempDir static Path data;
  static TestServer s;

  static final byte[] CMAKE = Catalogue.content(1, 200_000);
  static final byte[] MYSQL = Catalogue.content(2, 3_000);
  static final byte[] PHEANSTALK = Catalogue.content(3, 5_000);
  static final byte[] BORON = Catalogue.content(4, 6_000);
  static final byte[] SUBDIR = Catalogue.content(5, 7_000);

  @BeforeAll
  static void start() throws IOException {
    s = TestServer.start(data, Mode.OFFLINE);
    Catalogue c = s.catalogue();
    c.present("cmake-3.27.9.tar.gz", "devel/cmake", CMAKE);
    c.present("mysql%2B%2B-3.3.0.tar.gz", "databases/mysql++", MYSQL);
    // Two packages expect different content under one bare name.
    c.present("v2.1.0.tar.gz", "wip/pheanstalk", PHEANSTALK);
    c.present("v2.1.0.tar.gz", "wip/boron", BORON);
    c.present("gopkg/golang.org/x/text/@v/v0.3.0.zip", "textproc/go-text", SUBDIR);
  }

  @AfterAll
  static void stop() throws IOException {
    s.close();
  }

  @Test
  void pkgRouteServesTheExactBytesWithValidators() {
    Response r = s.http().get("/pkg/devel/cmake/cmake-3.27.9.tar.gz");
    assertEquals(200, r.statusCode());
    assertEquals("200000", r.header("Content-Length"));
    assertEquals(Catalogue.etag(CMAKE), r.header("ETag"));
    assertEquals("bytes", r.header("Accept-Ranges"));
    assertArrayEquals(CMAKE, r.asByteArray());
  }

  @Test
  void distfilesRouteServesTheOnlyVariant() {
    assertArrayEquals(CMAKE, s.http().get("/distfiles/cmake-3.27.9.tar.gz").asByteArray());
  }

  @Test
  void runRouteServesLikeThePkgRoute() {
    Response r = s.http().get("/run/2026Q4-amd64/pkg/devel/cmake/cmake-3.27.9.tar.gz");
    assertEquals(200, r.statusCode());
    assertArrayEquals(CMAKE, r.asByteArray());
  }

  @Test
  void rangeReturns206WithThoseBytes() {
    Response r = s.http().header("Range", "bytes=1000-150999").get("/pkg/devel/cmake/cmake-3.27.9.tar.gz");
    assertEquals(206, r.statusCode());
    assertEquals("bytes 1000-150999/200000", r.header("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(CMAKE, 1000, 151_000), r.asByteArray());
  }

  @Test
  void ifNoneMatchReturns304() {
    Response r = s.http().header("If-None-Match", "\"" + Catalogue.sha512Hex(CMAKE) + "\"")
        .get("/distfiles/cmake-3.27.9.tar.gz");
    assertEquals(304, r.statusCode());
  }

  @Test
  void literalPercentNameIsServedAsSent() {
    Response r = s.http().get("/pkg/databases/mysql++/mysql%2B%2B-3.3.0.tar.gz");
    assertEquals(200, r.statusCode());
    assertArrayEquals(MYSQL, r.asByteArray());
  }

  @Test
  void distSubdirNameIsServed() {
    assertArrayEquals(SUBDIR, s.http().get("/pkg/textproc/go-text/gopkg/golang.org/x/text/@v/v0.3.0.zip").asByteArray());
  }

  @Test
  void pkgpathChoosesBetweenVariantsOfOneName() {
    assertArrayEquals(PHEANSTALK, s.http().get("/pkg/wip/pheanstalk/v2.1.0.tar.gz").asByteArray());
    assertArrayEquals(BORON, s.http().get("/pkg/wip/boron/v2.1.0.tar.gz").asByteArray());
  }

  @Test
  void byHashServesBySha256AndSha512() {
    assertArrayEquals(BORON, s.http().get("/by-hash/sha256/" + Catalogue.sha256Hex(BORON)).asByteArray());
    assertArrayEquals(CMAKE, s.http().get("/by-hash/sha512/" + Catalogue.sha512Hex(CMAKE)).asByteArray());
  }

  @Test
  void headSendsLengthWithoutBody() {
    Response r = s.http().head("/distfiles/cmake-3.27.9.tar.gz");
    assertEquals(200, r.statusCode());
    assertEquals("200000", r.header("Content-Length"));
    assertEquals(0, r.asByteArray().length);
  }

  @Test
  void hitsRecordNoViolation() {
    long before = s.server.violations().lastCursor();
    s.http().get("/pkg/devel/cmake/cmake-3.27.9.tar.gz").then().statusCode(200);
    s.http().get("/pkg/wip/boron/v2.1.0.tar.gz").then().statusCode(200);
    assertEquals(before, s.server.violations().lastCursor());
  }

  @Test
  void hostilePathIs400AndNoViolation() {
    long before = s.server.violations().lastCursor();
    Response r = s.http().get("/distfiles/%2e%2e/etc/passwd");
    assertEquals(400, r.statusCode());
    assertEquals(before, s.server.violations().lastCursor());
  }

  @Test
  void unknownTopLevelPathIs404WithoutViolation() {
    long before = s.server.violations().lastCursor();
    assertEquals(404, s.http().get("/favicon.ico").statusCode());
    assertEquals(before, s.server.violations().lastCursor());
  }
}
