package org.distvault.e2e.scaleout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.distvault.e2e.DistinfoTree;
import org.distvault.e2e.Exec;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.StaticFileServer;
import org.distvault.e2e.buildhost.MkConf;
import org.distvault.e2e.buildhost.PkgsrcFetch;
import org.distvault.storage.s3.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * One primary and two replicas over one bucket, each the real jar in its own process: the primary
 * ({@code serve --blob-store s3://...}) is filled by the real {@code distvault prefetch} from a
 * loopback upstream and sealed with {@code distvault seal}; the replicas ({@code serve --replica-of
 * s3://... --set} {@value #SET} {@code --poll 1}) start on empty data directories. The tests run
 * in order on those processes: every distfile byte for byte from both replicas through curl and
 * through pkgsrc's fetch path; a miss is a violation of that replica alone; a {@code refill} on the
 * primary re-seals and both replicas follow within a poll while a bounded loop of requests never
 * sees a mix; the bucket stopped mid-run and a corrupted object; one replica stopped; the
 * primary's catalog lost and rebuilt from the bucket ({@code serve --recover --blob-store}).
 *
 * <p>What the server module's tests already cover is not repeated: {@code ReplicaIT} (uploads,
 * manifests, state changes and scrub refused on a replica; a forged pointer), {@code SealPublishIT}
 * (the listing's lines; a seal that cannot be published is not made), {@code S3ServeIT} (the
 * primary's tier through an outage, a changed tier file), {@code CacheTierTest} and {@code
 * S3FaultTest} (a corrupt object and a hung server, below the HTTP layer).
 */
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {
  static final String SET = "2026Q4";
  private static final String BUCKET = "distvault-scale";
  private static final String PREFIX = "cache";
  private static final int POLL_SECONDS = 1;
  /** How long after a seal both replicas must serve it: one poll, and the time to load a listing. */
  private static final Duration SWITCH_BOUND = Duration.ofSeconds(POLL_SECONDS + 4);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** PKGPATH of each distfile; the first three upstream has from the start, the rest only for the refill. */
  private static final Map<String, String> PKGPATH = new LinkedHashMap<>();

  static {
    PKGPATH.put("alpha-1.0.tar.gz", "devel/alpha");
    PKGPATH.put("sounds-2.0/voices=en.zip", "games/sounds");
    PKGPATH.put("big-1.0.tar.xz", "devel/big");
    PKGPATH.put("gone-1.0.tar.gz", "net/gone");
    PKGPATH.put("late-1.0.tar.gz", "net/late");
    PKGPATH.put("odd-1.0.tar.gz", "net/odd");
  }

  private static final List<String> FIRST = List.of("alpha-1.0.tar.gz", "sounds-2.0/voices=en.zip", "big-1.0.tar.xz");
  private static final List<String> REFILLED = List.of("gone-1.0.tar.gz", "late-1.0.tar.gz", "odd-1.0.tar.gz");

  @TempDir static Path dir;
  private static S3Server s3;
  private static StaticFileServer upstream;
  private static DistinfoTree distfiles;
  private static JarServer primary;
  private static JarServer replicaA;
  private static JarServer replicaB;
  private static String firstSeal;
  private static String secondSeal;

  @BeforeAll
  static void primaryFilledAndSealedAndTwoReplicas() throws Exception {
    s3 = S3Server.start(dir.resolve("s3"));
    s3.createBucket(BUCKET);
    Path site = dir.resolve("upstream");
    upstream = StaticFileServer.start(site);
    distfiles = new DistinfoTree(dir.resolve("tree"), site.resolve("dist"));
    int n = 0;
    for (String name : PKGPATH.keySet()) {
      n++;
      int bytes = name.startsWith("big") ? (1 << 20) + 3 : 20_000 * n;
      distfiles.add(PKGPATH.get(name), name, bytes, FIRST.contains(name));
    }
    primary = primary();
    // The three distfiles upstream lacks fail the prefetch (exit 1): the seal expects them unbound.
    Exec.Result prefetch = distvault(primary, "prefetch", "--set", SET, "--distinfo", distfiles.tree().toString(),
        "--site", upstream.url() + "dist/", "--report", dir.resolve("prefetch.json").toString());
    assertEquals(1, prefetch.exit(), prefetch.toString());
    assertTrue(prefetch.stderr().contains("3 fetched, 0 already in the cache, 3 failed"), prefetch.toString());
    distvault(primary, "seal", SET, "--reason", "ScaleOutIT").expect(0);
    firstSeal = sealDigest(primary);
    List<String> keys = s3.keys(BUCKET, PREFIX + "/sets/" + SET + "/");
    assertEquals(List.of(PREFIX + "/sets/" + SET + "/current",
        PREFIX + "/sets/" + SET + "/seals/" + firstSeal.substring("sha256:".length()) + ".jsonl.gz"), keys);
    replicaA = replica("replica-a");
    replicaB = replica("replica-b");
  }

  @AfterAll
  static void stopAll() {
    for (AutoCloseable c : new AutoCloseable[] {replicaA, replicaB, primary, upstream, s3}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // the others still stop
        }
      }
    }
  }

  @Test
  @Order(1)
  void bothReplicasServeEveryDistfileByteForByteThroughCurlAndPkgsrcsFetchPath() throws Exception {
    int upstreamBefore = upstream.requests().size();
    for (JarServer r : List.of(replicaA, replicaB)) {
      assertEquals(firstSeal, sealDigest(r), "the replica serves the primary's seal");
      for (String name : FIRST) {
        assertArrayEquals(distfiles.bytes(name), curl(r, name), name);
      }
    }
    Map<JarServer, String> tools = Map.of(replicaA, "ftp", replicaB, "wget");
    for (JarServer r : List.of(replicaA, replicaB)) {
      for (String name : FIRST) {
        assertArrayEquals(distfiles.bytes(name), pkgsrcFetch(r, tools.get(r), name), name + " with " + tools.get(r));
      }
    }
    assertEquals(0, metric(replicaA, "distvault_violations_total", ""), "hits are no violations");
    assertEquals(0, metric(replicaB, "distvault_violations_total", ""), "hits are no violations");
    assertEquals(upstreamBefore, upstream.requests().size(), "replicas never reach upstream: " + upstream.requests());
  }

  @Test
  @Order(2)
  void aMissOnAReplicaIsAViolationOfThatReplicaNamingTheSetAndThePackage() throws Exception {
    HttpResponse<byte[]> miss = get(replicaB, "set/" + SET + "/pkg/net/gone/gone-1.0.tar.gz");
    assertEquals(404, miss.statusCode(), new String(miss.body(), UTF_8));
    JsonNode v = lastViolation(dir.resolve("replica-b"));
    assertEquals(SET, v.path("set").asText(), v.toString());
    assertEquals("net/gone", v.path("pkgpath").asText(), v.toString());
    assertEquals("gone-1.0.tar.gz", v.path("name").asText(), v.toString());
    assertTrue(v.path("reason").asText().contains("404"), "the prefetch failure reason: " + v);
    assertEquals(1, metric(replicaB, "distvault_violations_total", ""));
    assertEquals(0, metric(replicaA, "distvault_violations_total", ""));
    Path other = dir.resolve("replica-a/log/violations.jsonl");
    assertFalse(Files.exists(other) && Files.readString(other).contains("gone-1.0"), "replica a saw no such request");
  }

  @Test
  @Order(3)
  void aRefillOnThePrimaryReachesBothReplicasWithinAPollAndNoRequestSeesAMix() throws Exception {
    // Upstream now has the three; the primary's own misses are what refill fetches again.
    for (String name : REFILLED) {
      Files.write(dir.resolve("upstream/dist").resolve(name), distfiles.bytes(name));
      assertEquals(404, get(primary, pkgPath(name)).statusCode(), name);
    }
    Map<JarServer, Instant> switched = new HashMap<>();
    List<String> mixes = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    CompletableFuture<Exec.Result> refill = CompletableFuture.supplyAsync(() -> {
      try {
        return distvault(primary, "refill", SET);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    byte[] gone = distfiles.bytes("gone-1.0.tar.gz");
    String goneUrl = pkgPath("gone-1.0.tar.gz");
    Instant deadline = Instant.now().plusSeconds(90);
    int rounds = 0;
    int roundsAfter = 0;
    // Bounded in count and time: at most 4000 rounds or 90 s, ending 10 rounds after both switched.
    while (rounds < 4000 && Instant.now().isBefore(deadline) && roundsAfter < 10) {
      rounds++;
      for (JarServer r : List.of(replicaA, replicaB)) {
        String before = sealDigest(r);
        HttpResponse<byte[]> answer = get(r, goneUrl);
        String after = sealDigest(r);
        boolean old = answer.statusCode() == 404;
        boolean fresh = answer.statusCode() == 200 && Arrays.equals(gone, answer.body());
        // Under one seal the answer is that seal's; across a switch, either seal's answer.
        boolean fits = before.equals(after) ? (before.equals(firstSeal) ? old : fresh) : (old || fresh);
        if (!fits) {
          mixes.add(r.url() + ": seal " + before + " then " + after + ", answer " + answer.statusCode());
        }
        seen.add(before);
        seen.add(after);
        if (!after.equals(firstSeal)) {
          switched.putIfAbsent(r, Instant.now());
        }
      }
      if (refill.isDone() && switched.size() == 2) {
        roundsAfter++;
      }
    }
    Exec.Result refilled = refill.get();
    assertEquals(0, refilled.exit(), refilled.toString());
    secondSeal = sealDigest(primary);
    assertNotEquals(firstSeal, secondSeal);
    assertEquals(List.of(), mixes, "every answer fits the old seal or the new one");
    assertEquals(new TreeSet<>(List.of(firstSeal, secondSeal)), seen, "the replicas reported only these seals");
    assertEquals(2, switched.size(), "both replicas switched within " + rounds + " rounds");
    Instant sealedAt = Instant.parse(sealNode(primary).path("seal").path("at").asText());
    for (JarServer r : List.of(replicaA, replicaB)) {
      assertEquals(secondSeal, sealDigest(r));
      Duration lag = Duration.between(sealedAt, switched.get(r));
      System.out.println("ScaleOutIT: " + r.url() + " served seal " + secondSeal + " " + lag.toMillis()
          + " ms after the primary sealed it (" + rounds + " rounds of the reader)");
      assertTrue(lag.compareTo(SWITCH_BOUND) <= 0, r.url() + " switched " + lag + " after the seal");
    }
    List<String> seals = s3.keys(BUCKET, PREFIX + "/sets/" + SET + "/seals/");
    assertEquals(2, seals.size(), "both listings stay: " + seals);
  }

  @Test
  @Order(4)
  void theBucketStoppedMidRunLeavesTierHitsServedAnswers503ForTheRestAndServiceResumes() throws Exception {
    // late-1.0 is bound by the new seal but no replica has read it yet: it is not in either tier.
    byte[] late = distfiles.bytes("late-1.0.tar.gz");
    Map<JarServer, Double> errorsBefore = new HashMap<>();
    Map<JarServer, Double> violationsBefore = new HashMap<>();
    for (JarServer r : List.of(replicaA, replicaB)) {
      errorsBefore.put(r, metric(r, "distvault_backend_errors_total", ""));
      violationsBefore.put(r, metric(r, "distvault_violations_total", ""));
    }
    s3.stop();
    try {
      for (JarServer r : List.of(replicaA, replicaB)) {
        for (String name : FIRST) {
          assertArrayEquals(distfiles.bytes(name), curl(r, name), name + " is a tier hit");
        }
        HttpResponse<byte[]> down = get(r, pkgPath("late-1.0.tar.gz"));
        String body = new String(down.body(), UTF_8);
        assertEquals(503, down.statusCode(), body);
        assertTrue(body.startsWith("the blob store cannot be read now ("), "503 with its reason: " + body);
        assertTrue(metric(r, "distvault_backend_errors_total", "") > errorsBefore.get(r));
      }
      // Two polls and more fail while the bucket is gone: counted, and the seal in force stays.
      Thread.sleep(3 * POLL_SECONDS * 1000L);
      for (JarServer r : List.of(replicaA, replicaB)) {
        assertTrue(metric(r, "distvault_backend_errors_total", "op=\"seal-poll\"") >= 1, "failed polls are counted");
        assertEquals(secondSeal, sealDigest(r), "a failed poll neither crashes nor un-seals the replica");
        assertArrayEquals(distfiles.bytes("alpha-1.0.tar.gz"), curl(r, "alpha-1.0.tar.gz"));
        assertEquals(violationsBefore.get(r), metric(r, "distvault_violations_total", ""),
            "a 503 is not the build's fault: no violation");
      }
    } finally {
      s3.restart();
    }
    for (JarServer r : List.of(replicaA, replicaB)) {
      HttpResponse<byte[]> back = awaitStatus(r, pkgPath("late-1.0.tar.gz"), 200, Duration.ofSeconds(30));
      assertArrayEquals(late, back.body(), "served again without a restart");
      assertEquals(secondSeal, sealDigest(r));
    }
  }

  @Test
  @Order(5)
  void aCorruptedObjectIsCaughtWhileFillingTheTierAndNeverServed() throws Exception {
    byte[] odd = distfiles.bytes("odd-1.0.tar.gz");
    String hex = DistinfoTree.sha512(odd);
    String key = PREFIX + "/blobs/sha512/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
    assertTrue(s3.keys(BUCKET, PREFIX + "/blobs/").contains(key), "the primary stored it at " + key);
    byte[] flipped = odd.clone();
    flipped[odd.length / 2] ^= 1;
    put(key, flipped);
    try {
      for (JarServer r : List.of(replicaA, replicaB)) {
        double violations = metric(r, "distvault_violations_total", "");
        double errors = metric(r, "distvault_backend_errors_total", "");
        for (int i = 0; i < 2; i++) {
          HttpResponse<byte[]> bad = get(r, pkgPath("odd-1.0.tar.gz"));
          String body = new String(bad.body(), UTF_8);
          assertEquals(503, bad.statusCode(), "never 200 with wrong bytes: " + body);
          assertTrue(body.startsWith("the blob store cannot be read now ("), body);
        }
        assertTrue(metric(r, "distvault_backend_errors_total", "") >= errors + 2);
        assertEquals(violations, metric(r, "distvault_violations_total", ""), "not the build's fault");
        Path log = dir.resolve(r == replicaA ? "replica-a" : "replica-b").resolve("log/violations.jsonl");
        assertFalse(Files.exists(log) && Files.readString(log).contains("odd-1.0"), "no violation line");
        assertTrue(tierFiles(r).stream().noneMatch(f -> f.endsWith(hex)), "not in the tier");
      }
    } finally {
      put(key, odd);
    }
    // The binding stays: once the bucket holds the right bytes again, they are served.
    for (JarServer r : List.of(replicaA, replicaB)) {
      assertArrayEquals(odd, curl(r, "odd-1.0.tar.gz"));
    }
  }

  @Test
  @Order(6)
  void stoppingOneReplicaLeavesTheOtherServing() throws Exception {
    replicaA.terminate();
    Exec.Result refused = Exec.of("curl", "-sS", "--max-time", "10", "-o", "/dev/null",
        replicaA.url() + pkgPath("alpha-1.0.tar.gz")).run();
    assertEquals(7, refused.exit(), "replica a is gone: " + refused);
    for (String name : PKGPATH.keySet()) {
      assertArrayEquals(distfiles.bytes(name), curl(replicaB, name), name);
    }
    assertArrayEquals(distfiles.bytes("gone-1.0.tar.gz"), pkgsrcFetch(replicaB, "curl", "gone-1.0.tar.gz"));
    assertEquals(secondSeal, sealDigest(replicaB));
  }

  @Test
  @Order(7)
  void aPrimaryWhoseCatalogIsLostRecoversFromTheBucketWithTheSameSeal() throws Exception {
    primary.terminate();
    Path data = dir.resolve("primary");
    deleteTree(data.resolve("index"));
    deleteTree(dir.resolve("primary-cache"));
    primary = primary("--recover");
    assertEquals(secondSeal, sealDigest(primary));
    for (String name : PKGPATH.keySet()) {
      assertArrayEquals(distfiles.bytes(name), curl(primary, name), name);
    }
    // Recovery republishes nothing new: the replica still serves the same seal.
    assertEquals(secondSeal, sealDigest(replicaB));
  }

  // ---- the processes ----

  /** The test identity of s3proxy, as an operator passes credentials: the AWS_* variables. */
  private static Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", S3Server.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3Server.CREDENTIAL,
        "AWS_EC2_METADATA_DISABLED", "true");
  }

  /** The primary on the bucket, with its tier; EXTRA flags appended (e.g. --recover). */
  private static JarServer primary(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--no-upstream",
        "--blob-store", "s3://" + BUCKET + "/" + PREFIX, "--s3-endpoint", s3.endpoint().toString(),
        "--s3-region", S3Server.REGION.id(), "--s3-path-style",
        "--cache-dir", dir.resolve("primary-cache").toString(), "--cache-size", "64M"));
    args.addAll(List.of(extra));
    return JarServer.start(dir.resolve("primary"), dir, credentials(), args.toArray(String[]::new));
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static JarServer replica(String name) throws IOException {
    return JarServer.start(dir.resolve(name), dir, credentials(),
        "--replica-of", "s3://" + BUCKET + "/" + PREFIX, "--set", SET, "--poll", Integer.toString(POLL_SECONDS),
        "--s3-endpoint", s3.endpoint().toString(), "--s3-region", S3Server.REGION.id(), "--s3-path-style",
        "--cache-dir", dir.resolve(name + "-cache").toString(), "--cache-size", "64M");
  }

  /** Runs the real {@code distvault ARGS... --server URL --token-file F} against SERVER. */
  private static Exec.Result distvault(JarServer server, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--server", server.url(), "--token-file", token(server).toString()));
    return Exec.of(command).in(dir).timeout(Duration.ofSeconds(120)).run();
  }

  private static Path token(JarServer server) {
    String data = server == primary ? "primary" : server == replicaA ? "replica-a" : "replica-b";
    return dir.resolve(data).resolve("admin.token");
  }

  // ---- requests ----

  /** {@code set/SET/pkg/PKGPATH/NAME}, relative to a server's URL. */
  private static String pkgPath(String name) {
    return "set/" + SET + "/pkg/" + PKGPATH.get(name) + "/" + name;
  }

  private static HttpResponse<byte[]> get(JarServer server, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Asks until the answer has STATUS, at most WAIT; returns that answer. */
  private static HttpResponse<byte[]> awaitStatus(JarServer server, String path, int status, Duration wait)
      throws IOException, InterruptedException {
    Instant until = Instant.now().plus(wait);
    HttpResponse<byte[]> r = get(server, path);
    while (r.statusCode() != status && Instant.now().isBefore(until)) {
      Thread.sleep(200);
      r = get(server, path);
    }
    assertEquals(status, r.statusCode(), path + " within " + wait + ": " + new String(r.body(), UTF_8));
    return r;
  }

  /** NAME from the server's set URL with curl; fails unless curl exits 0 (HTTP 200). */
  private static byte[] curl(JarServer server, String name) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "curl-", ".out");
    Exec.of("curl", "-sS", "--fail", "--max-time", "30", "-o", out.toString(), server.url() + pkgPath(name))
        .timeout(Duration.ofSeconds(40)).run().expect(0);
    byte[] bytes = Files.readAllBytes(out);
    Files.delete(out);
    return bytes;
  }

  /**
   * NAME as a build host fetches it: ops/pkgsrc/mk.conf evaluated by bmake for the package with
   * DISTVAULT_SITE the server and DISTVAULT_SET {@value #SET}, then pkgsrc's fetch loop with
   * MASTER_SITE_OVERRIDE as the only site and ops/pkgsrc/distvault-fetch using TOOL.
   */
  private static byte[] pkgsrcFetch(JarServer server, String tool, String name) throws Exception {
    Path distdir = Files.createTempDirectory(dir, "distdir-");
    String pkgpath = PKGPATH.get(name);
    List<String> wanted = new ArrayList<>(List.of("MASTER_SITE_OVERRIDE"));
    wanted.addAll(MkConf.FETCH_VARIABLES);
    Map<String, String> vars = new HashMap<>(MkConf.evaluate(distdir, pkgpath, Map.of(
        "DISTVAULT_SITE", server.url(), "DISTVAULT_SET", SET,
        "DISTVAULT_FETCH", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString(),
        "DISTVAULT_FETCH_TOOL", tool), wanted));
    String override = vars.remove("MASTER_SITE_OVERRIDE");
    assertEquals(server.url() + "set/" + SET + "/pkg/" + pkgpath + "/", override);
    // pkgsrc appends DIST_SUBDIR/ to each override site and fetches the basename in DISTDIR/DIST_SUBDIR.
    int slash = name.lastIndexOf('/');
    String subdir = slash < 0 ? "" : name.substring(0, slash + 1);
    String file = name.substring(slash + 1);
    Path in = Files.createDirectories(distdir.resolve(subdir.isEmpty() ? "." : subdir));
    PkgsrcFetch.Outcome outcome = new PkgsrcFetch(List.of(), vars)
        .fetch(in, file, distfiles.bytes(name).length, List.of(override + subdir), false);
    assertTrue(outcome.fetched(), name + " with " + tool + ": " + outcome);
    return Files.readAllBytes(in.resolve(file));
  }

  private static JsonNode sealNode(JarServer server) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/sets/" + SET))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + Files.readAllLines(token(server)).get(0)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  /** The digest of the seal the server reports for {@value #SET}; fails unless the set is sealed. */
  private static String sealDigest(JarServer server) throws IOException, InterruptedException {
    JsonNode set = sealNode(server);
    assertEquals("sealed", set.path("state").asText(), set.toString());
    return set.path("seal").path("digest").asText();
  }

  /** The sum of the samples of NAME whose labels contain LABEL (every sample for ""); 0 when there is none. */
  private static double metric(JarServer server, String name, String label) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "metrics"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    double sum = 0;
    for (String line : r.body().split("\n")) {
      boolean sample = line.startsWith(name + "{") || line.startsWith(name + " ");
      if (sample && line.contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static JsonNode lastViolation(Path data) throws IOException, InterruptedException {
    Path log = data.resolve("log/violations.jsonl");
    Instant until = Instant.now().plusSeconds(10);
    while (!(Files.exists(log) && !Files.readString(log).isBlank()) && Instant.now().isBefore(until)) {
      Thread.sleep(100);
    }
    List<String> lines = Files.readAllLines(log, UTF_8);
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  private static List<String> tierFiles(JarServer r) throws IOException {
    Path tier = dir.resolve(r == replicaA ? "replica-a-cache" : "replica-b-cache");
    try (var files = Files.walk(tier)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }

  private static void put(String key, byte[] bytes) {
    try (var client = s3.client()) {
      client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }
  }
}
