package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distvault.server.health.Unavailable;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.Resolution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A miss the source knows from memory ({@link BlobSource#unknownInMemory}) and the miss handler can
 * answer without blocking ({@link MissHandler#answerWithoutBlocking}) is answered from the I/O thread
 * that read the request, without a worker or a {@code find}; every other miss still goes to a worker.
 * Over a real Undertow on a loopback port.
 */
class MissWithoutWorkerTest {
  /** Names starting with this are known unknown from memory. */
  private static final String IN_MEMORY = "mem-";

  /** Every call the routes made, as "what name thread". */
  private static final List<String> calls = new CopyOnWriteArrayList<>();
  private static HttpServing serving;
  private static final HttpClient client = HttpClient.newHttpClient();

  private static final BlobSource source = new BlobSource() {
    @Override
    public Lookup find(Optional<PkgPath> pkgPath, DistfileName name) {
      calls.add("find " + name + " " + Thread.currentThread().getName());
      return new Lookup(Optional.empty(), Optional.of(Resolution.of(name, null, pkgPath.map(PkgPath::toString))));
    }

    @Override
    public Optional<List<Resolution>> unknownInMemory(SetName set, Optional<PkgPath> pkgPath, List<DistfileName> names) {
      calls.add("memory " + names.get(0) + " " + Thread.currentThread().getName());
      if (!names.get(0).value().startsWith(IN_MEMORY)) {
        return Optional.empty();
      }
      List<Resolution> out = new ArrayList<>();
      names.forEach(n -> out.add(Resolution.of(n, null, pkgPath.map(PkgPath::toString))));
      return Optional.of(out);
    }

    @Override
    public Optional<ServableBlob> findByHash(Digest digest) {
      return Optional.empty();
    }
  };

  /** Answers "...-blocking-..." names only on a worker; "...-throws-..." fail here; "...-failed-..." fail later. */
  private static final MissHandler misses = new MissHandler() {
    @Override
    public MissAnswer answer(Miss miss) {
      calls.add("answer " + name(miss) + " " + Thread.currentThread().getName());
      return MissAnswer.notFound("worker: " + name(miss) + " lookups " + miss.lookups().size());
    }

    @Override
    public Optional<MissAnswer> answerWithoutBlocking(Miss miss) {
      String name = name(miss);
      calls.add("without-blocking " + name + " " + Thread.currentThread().getName());
      if (name.contains("-blocking-")) {
        return Optional.empty();
      }
      if (name.contains("-throws-")) {
        throw new IllegalStateException("closing");
      }
      CompletableFuture<MissAnswer.Reply> later = CompletableFuture.supplyAsync(() -> {
        if (name.contains("-failed-")) {
          throw new Unavailable("cannot record this violation now", null);
        }
        return new MissAnswer.Reply(404, "recorded: " + name + " lookups " + miss.lookups().size());
      });
      return Optional.of(new MissAnswer.Later(later));
    }
  };

  private static String name(Miss miss) {
    return ((DistfileRequest) miss.target()).rawName().value();
  }

  @BeforeAll
  static void start() {
    OpenBlobFiles files = new OpenBlobFiles(DistfileRoutes.IO_THREAD_MAX_BYTES, () -> 0);
    serving = HttpServing.start(new DistfileRoutes(source, misses, DistfileRoutes.NO_SUCH_ROUTE, files),
        ServingConfig.loopback(0), files);
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  @BeforeEach
  void forget() {
    calls.clear();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + serving.address().getPort() + path);
    return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The calls of one kind, each as "kind name" and whether it ran on an I/O thread. */
  private static List<String> callsOf(String kind) {
    List<String> out = new ArrayList<>();
    for (String c : calls) {
      if (c.startsWith(kind + " ")) {
        String[] parts = c.split(" ", 3);
        out.add(parts[0] + " " + parts[1] + (parts[2].contains("I/O") ? " io" : " worker"));
      }
    }
    return out;
  }

  @Test
  void aMissKnownFromMemoryIsAnsweredWithoutAWorker() throws Exception {
    HttpResponse<String> r = get("/pkg/devel/x/mem-a-1.0.tar.gz");
    assertEquals(404, r.statusCode());
    assertEquals("recorded: mem-a-1.0.tar.gz lookups 1\n", r.body());
    assertEquals(List.of("memory mem-a-1.0.tar.gz io"), callsOf("memory"));
    assertEquals(List.of("without-blocking mem-a-1.0.tar.gz io"), callsOf("without-blocking"));
    assertEquals(List.of(), callsOf("find"));
    assertEquals(List.of(), callsOf("answer"));
  }

  @Test
  void aFailedLaterAnswerIs503() throws Exception {
    HttpResponse<String> r = get("/distfiles/mem-failed-1.0.tar.gz");
    assertEquals(503, r.statusCode());
    assertEquals("cannot record this violation now\n", r.body());
    assertEquals(List.of(), callsOf("find"));
  }

  /**
   * Not known from memory ("disk-"), or the handler cannot answer it without blocking
   * ("-blocking-"), or fails trying ("-throws-"): a worker looks it up and answers it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"disk-1.0.tar.gz", "mem-blocking-1.0.tar.gz", "mem-throws-1.0.tar.gz"})
  void otherMissesGoToAWorker(String name) throws Exception {
    HttpResponse<String> r = get("/distfiles/" + name);
    assertEquals(404, r.statusCode());
    assertEquals("worker: " + name + " lookups 1\n", r.body());
    assertEquals(List.of("memory " + name + " io"), callsOf("memory"));
    assertEquals(name.startsWith(IN_MEMORY) ? List.of("without-blocking " + name + " io") : List.of(),
        callsOf("without-blocking"));
    assertEquals(List.of("find " + name + " worker"), callsOf("find"));
    assertEquals(List.of("answer " + name + " worker"), callsOf("answer"));
  }

  @Test
  void manyMissesOnOneConnectionAreEachAnsweredOnce() throws Exception {
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = get("/distfiles/mem-n" + i + ".tar.gz");
      assertEquals(404, r.statusCode());
      assertEquals("recorded: mem-n" + i + ".tar.gz lookups 1\n", r.body());
    }
    assertEquals(200, callsOf("without-blocking").size());
    assertEquals(List.of(), callsOf("answer"));
  }
}
