package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;
import org.distvault.server.mode.Mode;
import org.distvault.server.violation.Violation;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No byte that was not verified since it was last written is served complete: a blob file that was
 * removed, truncated or changed in place is found out before any of its bytes is sent, put aside,
 * and answered as the miss it is (a violation when sealed), never with a 500 or a wrong file.
 * Real server, real files.
 */
class BlobIntegrityIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  private static Path fileOf(TestServer s, byte[] content) {
    return s.server.vault().file(Digest.fromHex(DigestAlgorithm.SHA512, Catalogue.sha512Hex(content))).orElseThrow();
  }

  /** Flips one byte in place and puts the modification time back, as a bad disk would leave it. */
  static void flipByte(Path file, long at) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
    Files.setLastModifiedTime(file, mtime);
  }

  /** A GET over a raw socket: the bytes the client received after the headers, to the end. */
  private static byte[] rawBody(TestServer s, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[65536];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          all.write(buf, 0, n);
        }
      } catch (IOException reset) {
        // the server cut the connection: what arrived so far is what the client holds
      }
      byte[] bytes = all.toByteArray();
      String head = new String(bytes, 0, Math.min(bytes.length, 400), StandardCharsets.ISO_8859_1);
      int end = head.indexOf("\r\n\r\n");
      assertTrue(head.startsWith("HTTP/1.1 200 "), head);
      return Arrays.copyOfRange(bytes, end + 4, bytes.length);
    }
  }

  private static long quarantined(Path data) throws IOException {
    Path q = data.resolve("quarantine");
    if (!Files.exists(q)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(q)) {
      return files.filter(p -> !p.getFileName().toString().endsWith(".reason")).count();
    }
  }

  @Test
  void aLargeBlobChangedOnDiskIsRefusedBeforeAnyByteIsSentAndIsPutAside() throws IOException {
    byte[] big = Catalogue.content(41, 3 << 20);
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      s.catalogue().present("big-1.0.tar.gz", "devel/big", big);
      flipByte(fileOf(s, big), big.length / 2);
      long before = s.server.violations().lastCursor();

      Response r = s.http().get("/pkg/devel/big/big-1.0.tar.gz");
      assertEquals(404, r.statusCode(), "not one byte of the changed file");
      assertEquals(null, r.header("ETag"));
      assertTrue(r.asString().contains("stored blob missing"), r.asString());
      assertEquals(1, quarantined(data));
      assertEquals(before + 1, s.server.violations().lastCursor(), "the request is a violation");
      assertEquals(404, s.http().get("/pkg/devel/big/big-1.0.tar.gz").statusCode(), "and stays one");
    }
  }

  @Test
  void aGoodLargeBlobIsServedWholeThenFromTheZeroCopyPath() throws IOException {
    byte[] big = Catalogue.content(42, 2 << 20);
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      s.catalogue().present("ok-1.0.tar.gz", "devel/ok", big);
      assertArrayEquals(big, rawBody(s, "/distfiles/ok-1.0.tar.gz"), "first service, verified while sent");
      assertArrayEquals(big, s.http().get("/distfiles/ok-1.0.tar.gz").asByteArray(), "known good");
      Response range = s.http().header("Range", "bytes=1000-1999").get("/distfiles/ok-1.0.tar.gz");
      assertEquals(206, range.statusCode());
      assertArrayEquals(Arrays.copyOfRange(big, 1000, 2000), range.asByteArray());
      assertEquals(0, quarantined(data));
    }
  }

  @Test
  void aRangeOfAnUnverifiedLargeBlobIsVerifiedBeforeItsHeaders() throws IOException {
    byte[] big = Catalogue.content(43, 1 << 20);
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      s.catalogue().present("r-1.0.tar.gz", "devel/r", big);
      flipByte(fileOf(s, big), 10);
      Response r = s.http().header("Range", "bytes=0-99").get("/pkg/devel/r/r-1.0.tar.gz");
      assertEquals(404, r.statusCode(), r.asString());
      assertEquals(1, quarantined(data));
    }
  }

  @Test
  void aSmallBlobChangedAfterItWasServedIsRefusedBeforeItsHeaders() throws IOException {
    byte[] small = Catalogue.content(44, 20_000);
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      s.catalogue().present("s-1.0.tar.gz", "devel/s", small);
      for (int i = 0; i < 3; i++) { // known good, and its file kept open
        assertArrayEquals(small, s.http().get("/pkg/devel/s/s-1.0.tar.gz").asByteArray());
      }
      flipByte(fileOf(s, small), 5);
      long before = s.server.violations().lastCursor();
      Response r = s.http().get("/pkg/devel/s/s-1.0.tar.gz");
      assertEquals(404, r.statusCode());
      assertEquals(null, r.header("ETag"), "no headers of the blob were sent");
      assertTrue(r.asString().startsWith("not-prefetched: devel/s s-1.0.tar.gz was not prefetched: stored blob missing"),
          r.asString());
      assertEquals(before + 1, s.server.violations().lastCursor());
      assertEquals(1, quarantined(data));
    }
  }

  @Test
  void aTruncatedSmallBlobIsRefusedBeforeItsHeaders() throws IOException {
    byte[] small = Catalogue.content(45, 30_000);
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      s.catalogue().present("t-1.0.tar.gz", "devel/t", small);
      Path file = fileOf(s, small);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(small.length - 1000);
      }
      for (String method : new String[] {"HEAD", "GET"}) {
        Response r = s.http().request(method, "/pkg/devel/t/t-1.0.tar.gz");
        assertEquals(404, r.statusCode(), method);
      }
    }
  }

  @Test
  void aRemovedBlobFileIsAViolationNot500WhenSealed() throws IOException {
    byte[] small = Catalogue.content(46, 10_000);
    try (TestServer s = TestServer.start(data, Mode.OFFLINE)) {
      s.catalogue().present("gone-1.0.tar.gz", "devel/gone", small);
      Files.delete(fileOf(s, small));
      long before = s.server.violations().lastCursor();
      Response r = s.http().get("/pkg/devel/gone/gone-1.0.tar.gz");
      assertEquals(404, r.statusCode(), r.asString());
      assertEquals(before + 1, s.server.violations().lastCursor());
      Violation v = s.server.violations().read(before, 1).get(0);
      assertTrue(v.reason().startsWith("stored blob missing"), v.reason());
      assertEquals(404, s.http().get("/pkg/devel/gone/gone-1.0.tar.gz").statusCode(), "and again");
    }
  }

  @Test
  void scrubReportsRemovedFilesAndDropsTheirRecordsAndNames() throws IOException {
    byte[] x = Catalogue.content(47, 5_000);
    byte[] y = Catalogue.content(48, 6_000);
    try (TestServer s = TestServer.start(data, Mode.ONLINE)) {
      s.catalogue().present("x-1.0.tar.gz", "devel/x", x);
      s.catalogue().present("y-1.0.tar.gz", "devel/y", y);
      Files.delete(fileOf(s, y));
      JsonNode scrub = JSON.readTree(s.admin().post("/api/v1/scrub").asString());
      assertEquals(1, scrub.path("checked").asLong(), scrub.toString());
      assertEquals(Catalogue.sha512Hex(y), scrub.path("missing").path(0).asText(), scrub.toString());
      assertEquals(1, s.server.vault().stats().blobs());
      assertTrue(s.catalogue().variantFor("y-1.0.tar.gz", "devel/y").blob().isEmpty(), "unbound");
      assertFalse(s.catalogue().variantFor("x-1.0.tar.gz", "devel/x").blob().isEmpty());
      assertEquals(404, s.http().get("/distfiles/y-1.0.tar.gz").statusCode());
    }
  }
}
