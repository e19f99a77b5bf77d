package org.distvault.prefetch.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.deliver.SinkUnavailableException;
import org.distvault.prefetch.fetch.FetchSettings;
import org.distvault.prefetch.fetch.SchemeFetcher;
import org.distvault.prefetch.run.PrefetchConfig;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.run.Prefetcher;
import org.distvault.prefetch.run.Progress;
import org.distvault.prefetch.run.RunResult;
import org.distvault.prefetch.spool.VerifiedBlob;
import org.distvault.prefetch.testserver.ContractServer;
import org.distvault.prefetch.testserver.TestFiles;
import org.distvault.prefetch.testserver.Upstream;
import org.distvault.prefetch.throttle.ThrottleSettings;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ServerClient against a real HTTP server that follows the admin API contract. */
@Timeout(60)
class ServerClientTest {
  private static final String TOKEN = "s3cret-token";

  @TempDir Path serverData;
  @TempDir Path work;
  @TempDir Path tmp;
  private ContractServer server;
  private Upstream up;

  @BeforeEach
  void start() throws IOException {
    server = new ContractServer(serverData, TOKEN);
    up = new Upstream();
  }

  @AfterEach
  void stop() {
    server.close();
    up.close();
  }

  private ServerClient client(String token) {
    return new ServerClient(URI.create(server.base()), token, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  private Prefetcher prefetcher(ServerClient client, int jobs) {
    PrefetchConfig config = PrefetchConfig.defaults(work).withThrottle(ThrottleSettings.defaults().withJobs(jobs, 2));
    return new Prefetcher(config, SchemeFetcher.standard(FetchSettings.defaults(), Clock.systemUTC()), client,
        Progress.none(), Clock.systemUTC());
  }

  private List<ExpectedDistfile> scenario() {
    List<ExpectedDistfile> entries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] c = TestFiles.bytes(i, 30_000 + i);
      up.on("/g" + i + ".tgz", Upstream.file(c));
      entries.add(TestFiles.entry("g" + i + ".tgz", "cat/g" + i, c, up.url("/g" + i + ".tgz")));
    }
    entries.add(TestFiles.entry("gone.tgz", "cat/gone", TestFiles.bytes(9, 10), up.url("/gone.tgz")));
    return entries;
  }

  @Test
  void prefetchUploadsVerifiedBlobsAndRecordsOutcomesThenRerunSkipsEverything() throws Exception {
    List<ExpectedDistfile> entries = scenario();
    PrefetchReport r = prefetcher(client(TOKEN), 4).run(entries);

    assertEquals(RunResult.SOMETHING_FAILED, r.result());
    assertEquals(3, r.summary().ok());
    assertEquals(3, server.blobCount());
    for (int i = 0; i < 3; i++) {
      byte[] c = TestFiles.bytes(i, 30_000 + i);
      assertArrayEquals(c, server.blob(TestFiles.sha512(c)).orElseThrow());
      assertEquals(TestFiles.sha512(c), server.bindings().get("g" + i + ".tgz"));
    }
    assertEquals(Map.of("gone.tgz", "HTTP 404 from " + up.url("/gone.tgz")), server.failures());
    assertEquals(4, server.outcomes().size());
    assertEquals(0, server.tmpFiles());

    int uploads = server.uploads();
    PrefetchReport again = prefetcher(client(TOKEN), 4).run(entries);
    assertEquals(3, again.summary().present());
    assertEquals(1, again.summary().failed());
    assertEquals(uploads, server.uploads(), "nothing is uploaded twice");
    assertEquals(1, up.requests("/g0.tgz"));
  }

  @Test
  void wrongTokenStopsBeforeAnyDownload() {
    List<ExpectedDistfile> entries = scenario();
    SinkUnavailableException e = assertThrows(SinkUnavailableException.class,
        () -> prefetcher(client("wrong"), 4).run(entries));
    assertEquals("POST /api/v1/have: HTTP 401: missing or wrong bearer token (check the admin token)", e.getMessage());
    assertEquals(0, up.totalRequests());
  }

  @Test
  void offlineServerAbortsTheRunWithTheReason() throws Exception {
    List<ExpectedDistfile> entries = scenario();
    server.setOffline(true);
    PrefetchReport r = prefetcher(client(TOKEN), 1).run(entries);
    assertEquals(RunResult.SOMETHING_FAILED, r.result());
    assertEquals(0, r.summary().ok());
    assertEquals(2, r.runErrors().size(), r.runErrors()::toString);
    assertEquals("could not record 4 outcome(s) at the destination: POST /api/v1/outcomes: HTTP 409: the server is"
        + " offline (the server is offline: switch it online to prefetch)", r.runErrors().get(1));
    assertTrue(r.runErrors().get(0).startsWith("destination unavailable: PUT /api/v1/blobs/sha512/"), r.runErrors()::toString);
    assertTrue(r.runErrors().get(0).endsWith("HTTP 409: the server is offline (the server is offline: switch it online to prefetch)"),
        r.runErrors()::toString);
    // Exactly one file was downloaded (the largest: jobs start largest first) and refused.
    List<Outcome> refused = r.outcomes().stream().filter(o -> o.reason().startsWith("delivery refused: PUT")).toList();
    assertEquals(1, refused.size(), r.outcomes()::toString);
    for (Outcome o : r.outcomes()) {
      assertTrue(o == refused.get(0) || o.reason().startsWith("not attempted: run aborted: PUT"), o.reason());
    }
    assertEquals(0, server.blobCount());
    assertTrue(up.totalRequests() <= 1, "no download after the server refused: " + up.totalRequests());
  }

  @Test
  void serverRehashRejectsALyingBlob() throws IOException {
    byte[] c = TestFiles.bytes(1, 1000);
    Path f = Files.write(tmp.resolve("blob"), c);
    Digest wrongSha = TestFiles.digests(TestFiles.bytes(2, 1000)).get(DigestAlgorithm.SHA512).orElseThrow();
    VerifiedBlob lie = new VerifiedBlob(f, c.length, Digests.of(List.of(wrongSha)));
    IOException e = assertThrows(IOException.class, () -> client(TOKEN).put(lie, List.of()));
    assertTrue(e.getMessage().startsWith("PUT /api/v1/blobs/sha512/" + wrongSha.hex() + ": HTTP 422: SHA512 mismatch: expected "
        + wrongSha.hex() + ", got " + TestFiles.sha512(c)), e.getMessage());
    assertEquals(0, server.blobCount());
    assertEquals(0, server.tmpFiles());
  }

  @Test
  void haveIsChunkedByTenThousandAndIndexesMapBack() throws IOException {
    byte[] c = TestFiles.bytes(5, 100);
    Path f = Files.write(tmp.resolve("blob"), c);
    client(TOKEN).put(new VerifiedBlob(f, c.length, TestFiles.digests(c)), List.of());
    List<ExpectedDistfile> entries = new ArrayList<>();
    for (int i = 0; i < 25_000; i++) {
      byte[] content = i == 20_001 ? c : TestFiles.bytes(1000 + i % 7, 16);
      entries.add(new ExpectedDistfile(DistfileName.of("n" + i + ".tgz"), OptionalLong.of(content.length),
          TestFiles.digests(content), Set.of(), List.of()));
    }
    int before = server.haveCalls();
    BitSet present = client(TOKEN).have(entries);
    assertEquals(3, server.haveCalls() - before);
    assertEquals(1, present.cardinality());
    assertTrue(present.get(20_001));
    assertEquals(TestFiles.sha512(c), server.bindings().get("n20001.tgz"));
  }

  @Test
  void aSetsRoutesAreUnderItsNameAndTheDefaultSetsAreUnprefixed() {
    assertEquals("api/v1/", ServerClient.setRoutes(Optional.empty()));
    assertEquals("api/v1/sets/2026Q4/", ServerClient.setRoutes(Optional.of("2026Q4")));
    assertThrows(IllegalArgumentException.class, () -> ServerClient.setRoutes(Optional.of("../x")));
  }

  @Test
  void tokenFileFirstLineIsTheToken() throws IOException {
    Path t = Files.writeString(tmp.resolve("admin.token"), "  0123456789abcdef0123456789abcdef  \nsecond line\n");
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-------"));
    assertEquals("0123456789abcdef0123456789abcdef", AdminToken.read(t));
    Path empty = Files.writeString(tmp.resolve("empty.token"), "\n");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
    assertEquals("token file " + empty + " is empty: its first line must be the token",
        assertThrows(BadTokenFileException.class, () -> AdminToken.read(empty)).getMessage());
  }

  @Test
  void unreachableServerStopsTheRun() throws IOException {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ServerClient c = new ServerClient(URI.create("http://127.0.0.1:" + closedPort), TOKEN, Duration.ofSeconds(5),
        Duration.ofSeconds(5));
    SinkUnavailableException e = assertThrows(SinkUnavailableException.class, () -> c.have(scenario()));
    assertTrue(e.getMessage().startsWith("cannot connect to http://127.0.0.1:" + closedPort + "/: "), e.getMessage());
  }
}
