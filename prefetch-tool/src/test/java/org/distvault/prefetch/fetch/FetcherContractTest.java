package org.distvault.prefetch.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Fetcher} must do, run against a real server (or directory) by each
 * implementation's subclass.
 */
abstract class FetcherContractTest {
  static final FetchSettings SETTINGS = FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));

  /** Makes {@code content} available as {@code name} and returns its URL. */
  abstract String serve(String name, byte[] content) throws Exception;

  /** A URL in the same place where nothing is served. */
  abstract String missing(String name) throws Exception;

  abstract Fetcher fetcher();

  private FetchResult fetch(String url, String name, OptionalLong size, ByteArrayOutputStream sink)
      throws FetchFailure, InterruptedException {
    return fetcher().fetch(new FetchRequest(URI.create(url), DistfileName.of(name), size), sink);
  }

  @Test
  void goodFileArrivesByteForByte() throws Exception {
    byte[] content = TestFiles.bytes(1, 300_000);
    String url = serve("good-1.0.tar.gz", content);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    FetchResult r = fetch(url, "good-1.0.tar.gz", OptionalLong.of(content.length), sink);
    assertArrayEquals(content, sink.toByteArray());
    assertEquals(content.length, r.bytes());
    assertEquals(url, r.finalUrl().toString());
  }

  @Test
  void unknownSizeIsAccepted() throws Exception {
    byte[] content = TestFiles.bytes(2, 1234);
    String url = serve("nosize.tgz", content);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    fetch(url, "nosize.tgz", OptionalLong.empty(), sink);
    assertArrayEquals(content, sink.toByteArray());
  }

  @Test
  void emptyFileIsFine() throws Exception {
    String url = serve("empty.txt", new byte[0]);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    assertEquals(0, fetch(url, "empty.txt", OptionalLong.of(0), sink).bytes());
  }

  @Test
  void missingFileSendsUsToTheNextUrl() throws Exception {
    String url = missing("absent-2.0.tar.gz");
    FetchFailure f = assertThrows(FetchFailure.class,
        () -> fetch(url, "absent-2.0.tar.gz", OptionalLong.of(10), new ByteArrayOutputStream()));
    assertEquals(Retry.NEXT_URL, f.retry());
    assertTrue(f.reason().contains("absent-2.0.tar.gz"), f.reason());
  }

  @Test
  void announcedSizeDifferentFromExpectedFailsBeforeTheBody() throws Exception {
    byte[] content = TestFiles.bytes(3, 5000);
    String url = serve("resized.tgz", content);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    FetchFailure f = assertThrows(FetchFailure.class, () -> fetch(url, "resized.tgz", OptionalLong.of(4000), sink));
    assertEquals(FailureKind.SIZE_MISMATCH, f.kind());
    assertEquals(Retry.NEXT_URL, f.retry());
    assertTrue(f.reason().contains("5000") && f.reason().contains("4000"), f.reason());
    assertEquals(0, sink.size(), "nothing may be read once the size is known to be wrong");
  }
}
