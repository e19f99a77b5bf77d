package org.distvault.prefetch.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import org.distvault.prefetch.testserver.RawUpstream;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HttpFetcher against an upstream that misbehaves in every way we know of. */
class HttpFetcherTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final byte[] CONTENT = TestFiles.bytes(7, 10_000);

  private Upstream up;
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
  private final HttpFetcher fetcher = new HttpFetcher(
      FetchSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500)),
      Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeEach
  void start() throws IOException {
    up = new Upstream();
  }

  @AfterEach
  void stop() {
    up.close();
  }

  private FetchResult fetch(String url, String name, long size) throws FetchFailure, InterruptedException {
    return fetcher.fetch(new FetchRequest(URI.create(url), DistfileName.of(name), OptionalLong.of(size)), sink);
  }

  private FetchFailure failure(String path, String name, long size) {
    return assertThrows(FetchFailure.class, () -> fetch(up.url(path), name, size));
  }

  @Test
  void notFoundIsNextUrlAndNoHostTrouble() {
    FetchFailure f = failure("/gone.tgz", "gone.tgz", 10);
    assertEquals("HTTP 404 from " + up.url("/gone.tgz"), f.reason());
    assertEquals(Retry.NEXT_URL, f.retry());
    assertFalse(f.hostTrouble());
  }

  @Test
  void serverErrorIsHostTrouble() {
    up.on("/boom.tgz", Upstream.status(500));
    FetchFailure f = failure("/boom.tgz", "boom.tgz", 10);
    assertEquals("HTTP 500 from " + up.url("/boom.tgz"), f.reason());
    assertEquals(Retry.NEXT_URL, f.retry());
    assertTrue(f.hostTrouble());
  }

  @Test
  void tooManyRequestsCarriesRetryAfterSeconds() {
    up.on("/busy.tgz", Upstream.busyOnce(429, "7", Upstream.file(CONTENT)));
    FetchFailure f = failure("/busy.tgz", "busy.tgz", CONTENT.length);
    assertEquals(FailureKind.RATE_LIMITED, f.kind());
    assertEquals(Retry.RETRY_HOST_LATER, f.retry());
    assertEquals(Optional.of(NOW.plusSeconds(7)), f.retryAfter());
    assertEquals("HTTP 429 from " + up.url("/busy.tgz") + " (Retry-After: 7)", f.reason());
  }

  @Test
  void unavailableCarriesRetryAfterDate() {
    up.on("/maint.tgz", Upstream.busyOnce(503, "Sun, 22 Nov 2026 10:30:00 GMT", Upstream.file(CONTENT)));
    FetchFailure f = failure("/maint.tgz", "maint.tgz", CONTENT.length);
    assertEquals(FailureKind.RATE_LIMITED, f.kind());
    assertEquals(Optional.of(Instant.parse("2026-11-22T10:30:00Z")), f.retryAfter());
  }

  @Test
  void truncatedBodyUnderContentLength() throws IOException {
    try (RawUpstream raw = new RawUpstream(CONTENT)) {
      FetchFailure f = assertThrows(FetchFailure.class, () -> fetch(raw.url("/truncated"), "t.tgz", CONTENT.length));
      assertEquals(FailureKind.TRUNCATED, f.kind(), f::reason);
      assertEquals("truncated: got 5000 of 10000 bytes from " + raw.url("/truncated"), f.reason());
      assertEquals(Retry.RETRY_HOST_LATER, f.retry());
    }
  }

  @Test
  void connectionResetMidBody() throws IOException {
    try (RawUpstream raw = new RawUpstream(CONTENT)) {
      FetchFailure f = assertThrows(FetchFailure.class, () -> fetch(raw.url("/reset"), "r.tgz", CONTENT.length));
      // Depending on timing the JDK sees the RST as an error or the stream as cut short.
      assertTrue(f.kind() == FailureKind.CONNECTION_LOST || f.kind() == FailureKind.TRUNCATED, f::toString);
      assertEquals(Retry.RETRY_HOST_LATER, f.retry());
      assertTrue(f.hostTrouble());
    }
  }

  @Test
  void endlessBodyStopsOneBytePastTheExpectedSize() {
    up.on("/endless.tgz", Upstream.endless());
    FetchFailure f = failure("/endless.tgz", "endless.tgz", 100_000);
    assertEquals("body longer than expected: more than 100000 bytes from " + up.url("/endless.tgz"), f.reason());
    assertEquals(FailureKind.TOO_LONG, f.kind());
    assertTrue(sink.size() <= 100_000, "wrote " + sink.size());
  }

  @Test
  void redirectIsFollowed() throws Exception {
    up.on("/old.tgz", Upstream.redirect("/new/x.tgz")).on("/new/x.tgz", Upstream.file(CONTENT));
    FetchResult r = fetch(up.url("/old.tgz"), "x.tgz", CONTENT.length);
    assertEquals(up.url("/new/x.tgz"), r.finalUrl().toString());
    assertArrayEquals(CONTENT, sink.toByteArray());
  }

  @Test
  void redirectLoopIsNamed() {
    up.on("/a", Upstream.redirect("/b")).on("/b", Upstream.redirect(up.url("/a")));
    FetchFailure f = failure("/a", "a.tgz", 10);
    assertEquals("redirect loop at " + up.url("/a") + " (from " + up.url("/a") + ")", f.reason());
    assertEquals(FailureKind.REDIRECT, f.kind());
    assertEquals(1, up.requests("/a"));
    assertEquals(1, up.requests("/b"));
  }

  @Test
  void redirectChainIsBounded() {
    for (int i = 0; i < 20; i++) {
      up.on("/r" + i, Upstream.redirect("/r" + (i + 1)));
    }
    FetchFailure f = failure("/r0", "r.tgz", 10);
    assertEquals("too many redirects (more than 10) from " + up.url("/r0"), f.reason());
    assertEquals(0, up.requests("/r11"));
  }

  @Test
  void htmlContentTypeIsRejectedBeforeTheBody() {
    up.on("/portal.tgz", Upstream.htmlPage("text/html; charset=utf-8", 10_000));
    FetchFailure f = failure("/portal.tgz", "portal.tgz", 10_000);
    assertEquals("upstream returned an HTML page (Content-Type text/html; charset=utf-8), not the distfile, from "
        + up.url("/portal.tgz"), f.reason());
    assertEquals(Retry.NEXT_URL, f.retry());
    assertEquals(0, sink.size());
  }

  @Test
  void htmlBodyUnderABinaryContentTypeIsSniffed() {
    up.on("/sneaky.tgz", Upstream.htmlPage("application/octet-stream", 10_000));
    FetchFailure f = failure("/sneaky.tgz", "sneaky.tgz", 10_000);
    assertEquals(FailureKind.HTML_PAGE, f.kind());
    assertTrue(f.reason().startsWith("upstream returned an HTML page (body starts with <!doctype html)"), f.reason());
  }

  @Test
  void htmlIsFineWhenTheDistfileIsHtml() throws Exception {
    up.on("/doc/index.html", Upstream.htmlPage("text/html", 1000));
    fetch(up.url("/doc/index.html"), "doc/index.html", 1000);
    assertEquals(1000, sink.size());
  }

  @Test
  void silentServerHitsTheIdleTimeout() {
    up.on("/silent.tgz", Upstream.silentFor(3000, Upstream.file(CONTENT)));
    FetchFailure f = failure("/silent.tgz", "silent.tgz", CONTENT.length);
    assertEquals("no response from 127.0.0.1:" + URI.create(up.base()).getPort() + " within 0.5s (idle timeout)",
        f.reason());
    assertEquals(Retry.RETRY_HOST_LATER, f.retry());
  }

  @Test
  void stalledTrickleHitsTheIdleTimeoutMidBody() {
    up.on("/stall.tgz", Upstream.trickle(CONTENT, 4, 3000));
    FetchFailure f = failure("/stall.tgz", "stall.tgz", CONTENT.length);
    assertEquals(FailureKind.IDLE_TIMEOUT, f.kind());
    assertEquals("no data from 127.0.0.1:" + URI.create(up.base()).getPort() + " for 0.5s after 2500 bytes (idle timeout)",
        f.reason());
  }

  @Test
  void slowButSteadyTrickleCompletes() throws Exception {
    up.on("/slow.tgz", Upstream.trickle(CONTENT, 10, 50));
    fetch(up.url("/slow.tgz"), "slow.tgz", CONTENT.length);
    assertArrayEquals(CONTENT, sink.toByteArray());
  }

  @Test
  void chunkedBodyShorterThanExpectedIsASizeMismatch() {
    up.on("/short.tgz", Upstream.chunked(CONTENT));
    FetchFailure f = failure("/short.tgz", "short.tgz", CONTENT.length + 1);
    assertEquals("size mismatch: expected 10001 bytes, got 10000 from " + up.url("/short.tgz"), f.reason());
  }

  @Test
  void refusedConnectionIsNextUrlWithHostTrouble() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    FetchFailure f = assertThrows(FetchFailure.class,
        () -> fetch("http://127.0.0.1:" + port + "/x.tgz", "x.tgz", 1));
    assertEquals(FailureKind.CONNECT_FAILED, f.kind());
    assertTrue(f.reason().startsWith("cannot connect to 127.0.0.1:" + port), f.reason());
  }
}
