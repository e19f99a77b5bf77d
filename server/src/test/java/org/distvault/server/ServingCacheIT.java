package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.distvault.server.mode.Mode;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hits answered from the vault's in-memory locate cache (and on the I/O thread) never outlive a
 * change in the catalog: a blob a scrub quarantined, or a package that now expects other content
 * under the same name, is never served again from a cached answer. Real server on loopback, real
 * vault, scrub through the admin API.
 */
class ServingCacheIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  @Test
  void aBlobQuarantinedByScrubIsNotServedFromTheCache() throws IOException {
    byte[] a = Catalogue.content(21, 20_000);
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      s.catalogue().present("foo-1.0.tar.gz", "devel/foo", a);
      for (int i = 0; i < 3; i++) { // the first answer fills the cache, the next come from it
        assertArrayEquals(a, s.http().get("/pkg/devel/foo/foo-1.0.tar.gz").asByteArray());
        assertArrayEquals(a, s.http().get("/distfiles/foo-1.0.tar.gz").asByteArray());
      }
      assertTrue(s.server.vault().locateCached(DistfileName.of("foo-1.0.tar.gz"), Optional.of("devel/foo")).isPresent());

      corrupt(s, a);
      JsonNode scrub = JSON.readTree(s.admin().post("/api/v1/scrub").asString());
      assertEquals(1, scrub.path("corrupt").size(), scrub.toString());

      for (String path : new String[] {"/pkg/devel/foo/foo-1.0.tar.gz", "/distfiles/foo-1.0.tar.gz"}) {
        Response r = s.http().get(path);
        assertEquals(404, r.statusCode(), path + ": " + r.asString());
      }
    }
  }

  @Test
  void aBlobQuarantinedAndStoredAgainIsServedFromItsNewFileNotTheKeptOne() throws IOException {
    byte[] a = Catalogue.content(25, 30_000);
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      s.catalogue().present("qux-1.0.tar.gz", "devel/qux", a);
      for (int i = 0; i < 3; i++) { // the file is opened once and kept open between requests
        assertArrayEquals(a, s.http().get("/pkg/devel/qux/qux-1.0.tar.gz").asByteArray());
      }
      corrupt(s, a); // in place: the kept file is the corrupt one now
      JsonNode scrub = JSON.readTree(s.admin().post("/api/v1/scrub").asString());
      assertEquals(1, scrub.path("corrupt").size(), scrub.toString());
      assertEquals(404, s.http().get("/pkg/devel/qux/qux-1.0.tar.gz").statusCode());

      s.catalogue().present("qux-1.0.tar.gz", "devel/qux", a); // fetched again: a new file
      for (int i = 0; i < 3; i++) {
        for (String path : new String[] {"/pkg/devel/qux/qux-1.0.tar.gz", "/distfiles/qux-1.0.tar.gz"}) {
          Response r = s.http().get(path);
          assertEquals(200, r.statusCode(), path);
          assertArrayEquals(a, r.asByteArray(), path);
        }
      }
    }
  }

  @Test
  void aCachedHitThatScrubDroppedIsAViolationWhenSealed() throws IOException {
    byte[] a = Catalogue.content(22, 5_000);
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      s.catalogue().present("bar-2.0.tar.gz", "devel/bar", a);
      assertArrayEquals(a, s.http().get("/pkg/devel/bar/bar-2.0.tar.gz").asByteArray());
      assertArrayEquals(a, s.http().get("/pkg/devel/bar/bar-2.0.tar.gz").asByteArray());
      corrupt(s, a);
      s.server.vault().scrub();

      long before = s.server.violations().lastCursor();
      Response r = s.http().get("/pkg/devel/bar/bar-2.0.tar.gz");
      assertEquals(404, r.statusCode());
      // The scrub unbound the name: it is catalogued but holds no content any more.
      assertTrue(r.asString().startsWith("not-prefetched: devel/bar bar-2.0.tar.gz was not prefetched: "),
          r.asString());
      assertEquals(before + 1, s.server.violations().lastCursor());
    }
  }

  @Test
  void aPackageThatNowExpectsOtherContentIsNeverServedTheOldBlob() throws IOException {
    byte[] a = Catalogue.content(23, 9_000);
    byte[] b = Catalogue.content(24, 11_000);
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      Catalogue c = s.catalogue();
      c.present("baz-3.0.tar.gz", "devel/baz", a);
      assertArrayEquals(a, s.http().get("/pkg/devel/baz/baz-3.0.tar.gz").asByteArray());
      assertArrayEquals(a, s.http().get("/pkg/devel/baz/baz-3.0.tar.gz").asByteArray());

      // A new manifest: devel/baz now expects other content under the same name.
      c.expect("baz-3.0.tar.gz", "devel/baz", b, "https://upstream.invalid/baz-3.0.tar.gz");
      assertEquals(404, s.http().get("/pkg/devel/baz/baz-3.0.tar.gz").statusCode());

      // Fetched and bound: the new content, from then on also from the cache.
      c.present("baz-3.0.tar.gz", "devel/baz", b);
      for (int i = 0; i < 2; i++) {
        Response r = s.http().get("/pkg/devel/baz/baz-3.0.tar.gz");
        assertEquals(200, r.statusCode());
        assertEquals(Catalogue.etag(b), r.header("ETag"));
        assertArrayEquals(b, r.asByteArray());
      }
    }
  }

  /** Flips one byte of the stored blob of {@code content}. */
  private static void corrupt(TestServer s, byte[] content) throws IOException {
    Path file = s.server.vault().file(Digest.fromHex(DigestAlgorithm.SHA512, Catalogue.sha512Hex(content))).orElseThrow();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);
  }
}
