package org.distvault.prefetch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Progress;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the tool reads a server-side prefetch's answer ({@code POST /api/v1/prefetch}) from a real
 * HTTP server on 127.0.0.1 that answers as told: which entries it sends, the outcomes it maps back,
 * and what an answer that ends early, stays silent or is refused becomes.
 */
@Timeout(60)
class ServerSidePrefetchTest {
  @TempDir Path tmp;
  private HttpServer server;
  private AdminApi api;
  private final CountDownLatch release = new CountDownLatch(1);
  /** The answer: status, then lines; a null line means "wait for release, then end". */
  private volatile int status = 200;
  private volatile List<String> lines = List.of();
  private volatile String requestBody;
  private volatile String requestQuery;

  private final List<ExpectedDistfile> entries = List.of(
      TestFiles.entry("a.tgz", "cat/a", TestFiles.bytes(1, 10), "http://up/a.tgz"),
      TestFiles.entry("b.tgz", "cat/b", TestFiles.bytes(2, 20), "http://up/b.tgz"),
      TestFiles.entry("c.tgz", "cat/c", TestFiles.bytes(3, 30), "http://up/c.tgz"));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    api = new AdminApi(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "tok",
        Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      requestBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    requestQuery = ex.getRequestURI().getPath() + "?" + ex.getRequestURI().getQuery();
    if (status != 200) {
      byte[] error = "{\"error\":\"a prefetch is already running on this server\"}\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, error.length);
      ex.getResponseBody().write(error);
      ex.close();
      return;
    }
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    for (String line : lines) {
      if (line == null) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        break;
      }
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    ex.close();
  }

  private static String okLine(int entry, ExpectedDistfile e, long downloaded) {
    return "{\"outcome\":{\"name\":\"" + e.name().value() + "\",\"status\":\"ok\",\"url\":\"" + e.urls().get(0)
        + "\",\"sha512\":\"" + e.digests().get(org.distvault.storage.digest.DigestAlgorithm.SHA512).orElseThrow().hex()
        + "\",\"bytes\":" + e.size().getAsLong() + ",\"millis\":3,\"attempts\":[]},\"entry\":" + entry
        + ",\"downloaded\":" + downloaded + "}";
  }

  private PrefetchReport run(Optional<BitSet> held, Duration silence, Progress progress) throws IOException {
    return new ServerSidePrefetch(api, Optional.of("q1"), silence, Clock.systemUTC())
        .run(entries, held, 4, 2, tmp, progress);
  }

  /** Records what the run tells its progress. */
  private static final class Seen implements Progress {
    final List<String> events = new ArrayList<>();

    @Override
    public synchronized void start(int files, long bytes) {
      events.add("start " + files + " " + bytes);
    }

    @Override
    public synchronized void bytes(long n) {
      events.add("bytes " + n);
    }

    @Override
    public synchronized void finished(Outcome outcome) {
      events.add("finished " + outcome.entry().name().value() + " " + outcome.status());
    }

    @Override
    public synchronized void end() {
      events.add("end");
    }
  }

  @Test
  void sendsOnlyWhatIsNotHeldAndMapsTheServersEntriesBack() throws IOException {
    BitSet held = new BitSet();
    held.set(0);
    lines = List.of("{\"started\":{\"entries\":2}}", okLine(1, entries.get(2), 30),
        "{\"progress\":{\"finished\":1,\"bytes\":45}}", okLine(0, entries.get(1), 50),
        "{\"done\":{\"entries\":2,\"millis\":7,\"errors\":[]}}");
    Seen seen = new Seen();

    PrefetchReport r = run(Optional.of(held), Duration.ofSeconds(10), seen);

    assertEquals("/api/v1/sets/q1/prefetch?jobs=4&per-host=2", requestQuery);
    assertEquals(2, requestBody.lines().count(), requestBody);
    assertTrue(requestBody.startsWith("{\"name\":\"b.tgz\""), requestBody);
    assertEquals(List.of(Outcome.Status.PRESENT, Outcome.Status.OK, Outcome.Status.OK),
        r.outcomes().stream().map(Outcome::status).toList());
    assertEquals(List.of("a.tgz", "b.tgz", "c.tgz"), r.outcomes().stream().map(o -> o.entry().name().value()).toList());
    assertEquals(30, r.outcomes().get(2).bytes());
    assertEquals(List.of(), r.runErrors());
    assertEquals(List.of("start 2 50", "bytes 30", "finished c.tgz OK", "bytes 15", "bytes 5", "finished b.tgz OK",
        "end"), seen.events);
    try (var left = Files.list(tmp)) {
      assertEquals(0, left.count(), "the request body is removed");
    }
  }

  @Test
  void anAnswerThatEndsEarlyFailsTheEntriesItDidNotReport() throws IOException {
    lines = List.of("{\"started\":{\"entries\":3}}", okLine(0, entries.get(0), 10));
    PrefetchReport r = run(Optional.empty(), Duration.ofSeconds(10), Progress.none());
    assertEquals(List.of(Outcome.Status.OK, Outcome.Status.FAILED, Outcome.Status.FAILED),
        r.outcomes().stream().map(Outcome::status).toList());
    assertEquals("the server did not report this distfile: its answer ended early (see the server's log)",
        r.outcomes().get(1).reason());
    assertEquals(List.of("the server's answer ended without its last line"), r.runErrors());
  }

  @Test
  void aSilentServerIsGivenUpAfterTheSilence() throws IOException {
    lines = new ArrayList<>(List.of("{\"started\":{\"entries\":3}}"));
    lines.add(null);
    PrefetchReport r = run(Optional.empty(), Duration.ofSeconds(2), Progress.none());
    assertEquals(List.of("the server sent nothing for 2 s: stopped waiting for it"), r.runErrors());
    assertEquals(3, r.summary().failed());
  }

  @Test
  void theServersErrorsAreRunErrorsAndAWrongCountIsRefused() throws IOException {
    lines = List.of("{\"started\":{\"entries\":3}}", okLine(0, entries.get(0), 10), okLine(1, entries.get(1), 30),
        okLine(2, entries.get(2), 60), "{\"done\":{\"entries\":3,\"millis\":7,\"errors\":[\"could not record\"]}}");
    assertEquals(List.of("server: could not record"), run(Optional.empty(), Duration.ofSeconds(10),
        Progress.none()).runErrors());

    lines = List.of("{\"started\":{\"entries\":2}}");
    PrefetchReport wrong = run(Optional.empty(), Duration.ofSeconds(10), Progress.none());
    assertEquals(1, wrong.runErrors().size());
    assertTrue(wrong.runErrors().get(0).contains("the server started a run of 2 entries, 3 were sent"),
        wrong.runErrors().toString());
  }

  @Test
  void aRefusalStopsTheRun() {
    status = 409;
    SinkUnavailableException e = assertThrows(SinkUnavailableException.class,
        () -> run(Optional.empty(), Duration.ofSeconds(10), Progress.none()));
    assertTrue(e.getMessage().contains("a prefetch is already running on this server"), e.getMessage());
  }
}
