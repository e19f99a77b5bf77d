package org.distvault.e2e.buildhost;

import static org.distvault.e2e.buildhost.LoopbackCache.LIBFOO;
import static org.distvault.e2e.buildhost.LoopbackCache.VOICES;
import static org.distvault.e2e.buildhost.LoopbackCache.fetchWrapper;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distvault.e2e.DistinfoTree;
import org.distvault.e2e.Exec;
import org.distvault.e2e.OpsPaths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ops/pkgsrc/distvault-fetch} and {@code ops/pkgsrc/mk.conf} against the real cache on
 * loopback: hits with curl, wget and tnftp, the argument layouts pkgsrc passes (its own
 * {@code FETCH_USING} tables and the mk.conf fragment's), resume, refusals and usage errors;
 * with {@code DISTVAULT_SET}, hits through a sealed named set and misses for a name bound only
 * in another set, which are violations of this set.
 */
class DistvaultFetchTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static LoopbackCache lab;

  @TempDir Path distdir;

  @BeforeAll
  static void start() throws Exception {
    lab = LoopbackCache.start(dir);
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  private Map<String, String> mkConf(String tool, String run) throws Exception {
    return MkConf.evaluate(distdir, "devel/libfoo", Map.of(
        "DISTVAULT_SITE", lab.cache.url(),
        "DISTVAULT_RUN", run,
        "DISTVAULT_FETCH", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString(),
        "DISTVAULT_FETCH_TOOL", tool), MkConf.FETCH_VARIABLES);
  }

  /** Set {@value #SEALED}, sealed: devel/libfoo's {@value #LIBFOO_Q4}. */
  static final String SEALED = "2026Q4";
  /** Set {@value #FILLING}, still filling: devel/libfoo's {@value #LIBFOO_Q1}. */
  static final String FILLING = "2027Q1";
  static final String LIBFOO_Q4 = "libfoo-2.0.tar.gz";
  static final String LIBFOO_Q1 = "libfoo-3.0.tar.gz";
  private static DistinfoTree q4;
  private static DistinfoTree q1;

  /**
   * Prefetches the two named sets with the real {@code distvault prefetch --set} (once for the
   * class) and seals {@value #SEALED} with {@code distvault seal}; neither name is in the default set.
   */
  private static synchronized void namedSets() throws Exception {
    if (q4 != null) {
      return;
    }
    DistinfoTree sealed = new DistinfoTree(dir.resolve("tree-" + SEALED), dir.resolve("upstream/dist"));
    sealed.add("devel/libfoo", LIBFOO_Q4, 200_000, true);
    lab.prefetch(List.of("--set", SEALED), sealed, dir.resolve("prefetch-" + SEALED + ".json"));
    DistinfoTree filling = new DistinfoTree(dir.resolve("tree-" + FILLING), dir.resolve("upstream/dist"));
    filling.add("devel/libfoo", LIBFOO_Q1, 100_000, true);
    lab.prefetch(List.of("--set", FILLING), filling, dir.resolve("prefetch-" + FILLING + ".json"));
    String seal = lab.seal(SEALED);
    assertTrue(seal.contains("\"digest\""), seal);
    q4 = sealed;
    q1 = filling;
  }

  /** The fetch variables of mk.conf for devel/libfoo with DISTVAULT_SET=SET and DISTVAULT_RUN=RUN. */
  private Map<String, String> mkConfForSet(String set, String run) throws Exception {
    Map<String, String> vars = MkConf.evaluate(distdir, "devel/libfoo", Map.of(
        "DISTVAULT_SITE", lab.cache.url(),
        "DISTVAULT_SET", set,
        "DISTVAULT_RUN", run,
        "DISTVAULT_FETCH", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString(),
        "DISTVAULT_FETCH_TOOL", "curl"), List.of("MASTER_SITE_OVERRIDE", "FETCH_CMD", "FETCH_BEFORE_ARGS",
            "FETCH_RESUME_ARGS", "FETCH_OUTPUT_ARGS", "FETCH_AFTER_ARGS"));
    return new HashMap<>(vars);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "r-q4"})
  void aHitThroughASealedNamedSetIsFetchedFromTheSetsUrl(String run) throws Exception {
    namedSets();
    Map<String, String> vars = mkConfForSet(SEALED, run);
    String override = vars.remove("MASTER_SITE_OVERRIDE");
    assertEquals(lab.cache.url() + "set/" + SEALED + "/" + (run.isEmpty() ? "" : "run/" + run + "/")
        + "pkg/devel/libfoo/", override);
    int before = lab.upstream.requests().size();
    PkgsrcFetch.Outcome outcome = new PkgsrcFetch(List.of(), vars).fetch(distdir, LIBFOO_Q4, 200_000,
        List.of(override, lab.upstream.url() + "dist/"), false);
    assertTrue(outcome.fetched(), outcome.toString());
    assertEquals(1, outcome.attempts().size(), outcome.toString());
    assertArrayEquals(q4.bytes(LIBFOO_Q4), LoopbackCache.read(distdir.resolve(LIBFOO_Q4)));
    assertEquals(before, lab.upstream.requests().size(), lab.upstream.requests().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "r-q4-miss"})
  void aNameBoundOnlyInAnotherSetIsAViolationOfThisSet(String run) throws Exception {
    namedSets();
    Map<String, String> vars = mkConfForSet(SEALED, run);
    String override = vars.remove("MASTER_SITE_OVERRIDE");
    int before = lab.upstream.requests().size();
    // Bound in 2027Q1 (and upstream has it), but 2026Q4 is sealed and never had it: a miss, and
    // every site after the override is refused by the fetch command.
    PkgsrcFetch.Outcome outcome = new PkgsrcFetch(List.of(), vars).fetch(distdir, LIBFOO_Q1, 100_000,
        List.of(override, lab.upstream.url() + "dist/"), false);
    assertFalse(outcome.fetched(), outcome.toString());
    assertEquals(List.of(22, 1), outcome.attempts().stream().map(PkgsrcFetch.Attempt::exit).toList(),
        outcome.toString());
    assertFalse(Files.exists(distdir.resolve(LIBFOO_Q1)));
    assertEquals(before, lab.upstream.requests().size(), lab.upstream.requests().toString());

    HttpResponse<String> listed = lab.admin("api/v1/violations?limit=10000&set=" + SEALED);
    assertEquals(200, listed.statusCode(), listed.body());
    String path = "/set/" + SEALED + "/" + (run.isEmpty() ? "" : "run/" + run + "/") + "pkg/devel/libfoo/" + LIBFOO_Q1;
    List<JsonNode> mine = new ArrayList<>();
    for (JsonNode v : JSON.readTree(listed.body()).get("violations")) {
      assertEquals(SEALED, v.get("set").asText(), v.toString());
      if (v.get("path").asText().equals(path)) {
        mine.add(v);
      }
    }
    assertEquals(1, mine.size(), listed.body());
    JsonNode v = mine.get(0);
    assertEquals(LIBFOO_Q1, v.get("name").asText(), v.toString());
    assertEquals("devel/libfoo", v.get("pkgpath").asText(), v.toString());
    assertEquals(run.isEmpty() ? null : run, v.hasNonNull("run") ? v.get("run").asText() : null, v.toString());
    assertEquals("unknown", v.get("kind").asText(), v.toString());

    // Through the set that has it, the same request is a hit with its bytes.
    Map<String, String> other = mkConfForSet(FILLING, run);
    String otherOverride = other.remove("MASTER_SITE_OVERRIDE");
    PkgsrcFetch.Outcome hit = new PkgsrcFetch(List.of(), other).fetch(distdir, LIBFOO_Q1, 100_000,
        List.of(otherOverride), false);
    assertTrue(hit.fetched(), hit.toString());
    assertArrayEquals(q1.bytes(LIBFOO_Q1), LoopbackCache.read(distdir.resolve(LIBFOO_Q1)));
  }

  @Test
  void mkConfPointsEveryFetchAtTheCacheOnly() throws Exception {
    List<String> vars = List.of("MASTER_SITE_OVERRIDE", "MASTER_SITE_BACKUP", "FETCH_USING", "FETCH_CMD",
        "FETCH_BEFORE_ARGS", "FETCH_RESUME_ARGS", "FETCH_OUTPUT_ARGS", "FETCH_AFTER_ARGS");
    Map<String, String> plain = MkConf.evaluate(distdir, "devel/libfoo",
        Map.of("DISTVAULT_SITE", "http://cache.example:8080"), vars);
    assertEquals("http://cache.example:8080/pkg/devel/libfoo/", plain.get("MASTER_SITE_OVERRIDE"));
    assertEquals("", plain.get("MASTER_SITE_BACKUP"));
    assertEquals("custom", plain.get("FETCH_USING"));
    assertEquals("/usr/local/libexec/distvault-fetch", plain.get("FETCH_CMD"));
    assertEquals("--cache http://cache.example:8080/ --tool auto", plain.get("FETCH_BEFORE_ARGS"));
    assertEquals("-R", plain.get("FETCH_RESUME_ARGS"));
    assertEquals("-o", plain.get("FETCH_OUTPUT_ARGS"));
    assertEquals("", plain.get("FETCH_AFTER_ARGS"));

    Map<String, String> run = MkConf.evaluate(distdir, "wip/mysql++",
        Map.of("DISTVAULT_SITE", "http://10.0.0.5:8080/", "DISTVAULT_RUN", "2026Q4-amd64"), vars);
    assertEquals("http://10.0.0.5:8080/run/2026Q4-amd64/pkg/wip/mysql++/", run.get("MASTER_SITE_OVERRIDE"));
  }

  @Test
  void mkConfComposesTheSetBeforeTheRunId() throws Exception {
    List<String> vars = List.of("MASTER_SITE_OVERRIDE", "FETCH_BEFORE_ARGS");
    Map<String, String> empty = MkConf.evaluate(distdir, "devel/libfoo",
        Map.of("DISTVAULT_SITE", "http://cache.example:8080/", "DISTVAULT_SET", ""), vars);
    assertEquals("http://cache.example:8080/pkg/devel/libfoo/", empty.get("MASTER_SITE_OVERRIDE"));

    Map<String, String> set = MkConf.evaluate(distdir, "devel/libfoo",
        Map.of("DISTVAULT_SITE", "http://cache.example:8080", "DISTVAULT_SET", "2026Q4"), vars);
    assertEquals("http://cache.example:8080/set/2026Q4/pkg/devel/libfoo/", set.get("MASTER_SITE_OVERRIDE"));
    // The fetch command's cache prefix stays the site: every set's URLs are under it.
    assertEquals("--cache http://cache.example:8080/ --tool auto", set.get("FETCH_BEFORE_ARGS"));

    Map<String, String> both = MkConf.evaluate(distdir, "wip/mysql++", Map.of("DISTVAULT_SITE",
        "http://10.0.0.5:8080/", "DISTVAULT_SET", "pkgsrc-2026Q4_x.1", "DISTVAULT_RUN", "2026Q4-amd64"), vars);
    assertEquals("http://10.0.0.5:8080/set/pkgsrc-2026Q4_x.1/run/2026Q4-amd64/pkg/wip/mysql++/",
        both.get("MASTER_SITE_OVERRIDE"));
  }

  @Test
  void mkConfIncludesTheEgressFragmentOnlyWhenATrapIsNamed() throws Exception {
    List<String> vars = List.of("DISTVAULT_TRAP_URL", "ALL_ENV");
    Map<String, String> none = MkConf.evaluate(distdir, "devel/cmake",
        Map.of("DISTVAULT_SITE", "http://cache.example:8080/"), vars);
    assertEquals("", none.get("DISTVAULT_TRAP_URL"));
    assertEquals("", none.get("ALL_ENV"));

    Map<String, String> trap = MkConf.evaluate(distdir, "devel/cmake",
        Map.of("DISTVAULT_SITE", "http://cache.example:8080/", "DISTVAULT_TRAP", "10.0.0.5:3128"), vars);
    assertEquals("http://devel%2Fcmake:egress@10.0.0.5:3128", trap.get("DISTVAULT_TRAP_URL"));
    List<String> env = List.of(trap.get("ALL_ENV").split(" "));
    assertTrue(env.contains("http_proxy=http://devel%2Fcmake:egress@10.0.0.5:3128"), env.toString());
    assertTrue(env.contains("HTTPS_PROXY=http://devel%2Fcmake:egress@10.0.0.5:3128"), env.toString());
  }

  @Test
  void mkConfRefusesMktoolWhichBypassesTheFetchCommand() throws Exception {
    Path makefile = distdir.resolve("mktool.mk");
    Files.writeString(makefile, "PKGPATH=\tdevel/libfoo\nTOOLS_PLATFORM.mktool=\t/usr/pkg/bin/mktool\n.include \""
        + OpsPaths.ops().resolve("pkgsrc/mk.conf") + "\"\nall:\n");
    Exec.Result r = Exec.of("bmake", "-f", makefile.toString(), "-v", "MASTER_SITE_OVERRIDE").in(distdir).run();
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("TOOLS_PLATFORM.mktool fetches without FETCH_CMD"), r.stderr());
  }

  static List<String> tools() {
    return List.of("curl", "wget", "ftp");
  }

  @ParameterizedTest
  @MethodSource("tools")
  void mkConfSetupFetchesAHitThroughTheOverrideWithEachTool(String tool) throws Exception {
    PkgsrcFetch fetch = new PkgsrcFetch(List.of(), mkConf(tool, ""));
    String override = lab.cache.url() + "pkg/devel/libfoo/";
    PkgsrcFetch.Outcome outcome = fetch.fetch(distdir, LIBFOO, 300_000,
        List.of(override, lab.upstream.url() + "dist/"), false);
    assertTrue(outcome.fetched(), outcome.toString());
    assertEquals(1, outcome.attempts().size(), outcome.toString());
    assertArrayEquals(lab.distfiles.bytes(LIBFOO), LoopbackCache.read(distdir.resolve(LIBFOO)));
  }

  @ParameterizedTest
  @MethodSource("tools")
  void mkConfSetupResumesAPartialFileWithEachTool(String tool) throws Exception {
    // pkgsrc copies the partial file to the temporary name and asks the tool to continue. The
    // partial content here is not the real first half, so only a true resume (a range request
    // appended to what is there) gives exactly marker + real second half.
    byte[] real = lab.distfiles.bytes(LIBFOO);
    byte[] marker = new byte[120_000];
    Arrays.fill(marker, (byte) 'x');
    Files.write(distdir.resolve(LIBFOO), marker);
    PkgsrcFetch fetch = new PkgsrcFetch(List.of(), mkConf(tool, ""));
    PkgsrcFetch.Outcome outcome = fetch.fetch(distdir, LIBFOO, real.length,
        List.of(lab.cache.url() + "pkg/devel/libfoo/"), true);
    assertTrue(outcome.fetched(), outcome.toString());
    byte[] expected = Arrays.copyOf(marker, real.length);
    System.arraycopy(real, marker.length, expected, marker.length, real.length - marker.length);
    assertArrayEquals(expected, LoopbackCache.read(distdir.resolve(LIBFOO)));
  }

  @Test
  void runIdLayoutAndDistSubdirNamesAreFetched() throws Exception {
    Map<String, String> vars = MkConf.evaluate(distdir, "games/sounds", Map.of(
        "DISTVAULT_SITE", lab.cache.url(), "DISTVAULT_RUN", "r-17",
        "DISTVAULT_FETCH", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString()),
        List.of("MASTER_SITE_OVERRIDE", "FETCH_CMD", "FETCH_BEFORE_ARGS", "FETCH_RESUME_ARGS",
            "FETCH_OUTPUT_ARGS", "FETCH_AFTER_ARGS"));
    String override = vars.remove("MASTER_SITE_OVERRIDE");
    assertEquals(lab.cache.url() + "run/r-17/pkg/games/sounds/", override);
    // pkgsrc appends DIST_SUBDIR/ to each override site and fetches the basename in DISTDIR/DIST_SUBDIR.
    Path subdir = Files.createDirectories(distdir.resolve("sounds-2.0"));
    PkgsrcFetch.Outcome outcome = new PkgsrcFetch(List.of(), vars)
        .fetch(subdir, "voices=en.zip", 50_000, List.of(override + "sounds-2.0/"), false);
    assertTrue(outcome.fetched(), outcome.toString());
    assertArrayEquals(lab.distfiles.bytes(VOICES), LoopbackCache.read(subdir.resolve("voices=en.zip")));
  }

  /** The stock FETCH_BEFORE_ARGS / RESUME / OUTPUT of pkgsrc's ftp, curl and wget (fetch.mk). */
  static List<Arguments> stockLayouts() {
    return List.of(
        Arguments.of("ftp", List.of("-p", "-q", "30", "-4"), List.of("-R"), "-o"),
        Arguments.of("curl", List.of("--ftp-pasv", "--fail", "--insecure", "--location", "--remote-time",
            "--connect-timeout", "30", "--speed-time", "30", "--ipv4"), List.of("-C", "-"), "-o"),
        Arguments.of("wget", List.of("--passive-ftp", "--no-check-certificate", "--timeout=30", "--inet4-only"),
            List.of("-c"), "-O"));
  }

  @ParameterizedTest
  @MethodSource("stockLayouts")
  void stockArgumentLayoutsOfEachToolWork(String tool, List<String> before, List<String> resume, String output)
      throws Exception {
    byte[] real = lab.distfiles.bytes(LIBFOO);
    List<String> args = new ArrayList<>(before);
    args.addAll(List.of(output, "plain.part", lab.pkgUrl("devel/libfoo", LIBFOO)));
    fetchWrapper(distdir, args).env("DISTVAULT_URL", lab.cache.url()).env("DISTVAULT_FETCH_TOOL", tool)
        .run().expect(0);
    assertArrayEquals(real, LoopbackCache.read(distdir.resolve("plain.part")));

    Files.write(distdir.resolve("resumed.part"), Arrays.copyOf(real, 1000));
    List<String> resumed = new ArrayList<>(before);
    resumed.addAll(resume);
    resumed.addAll(List.of(output, "resumed.part", lab.pkgUrl("devel/libfoo", LIBFOO)));
    fetchWrapper(distdir, resumed).env("DISTVAULT_URL", lab.cache.url()).env("DISTVAULT_FETCH_TOOL", tool)
        .run().expect(0);
    assertArrayEquals(real, LoopbackCache.read(distdir.resolve("resumed.part")));
  }

  @ParameterizedTest
  @MethodSource("tools")
  void aMissOnTheCacheExitsNonZeroSoPkgsrcMovesOn(String tool) throws Exception {
    Exec.Result r = fetchWrapper(distdir, List.of("--cache", lab.cache.url(), "--tool", tool,
        "-o", "missing.part", lab.pkgUrl("devel/libfoo", "not-there-1.0.tar.gz"))).run();
    assertTrue(r.exit() != 0, r.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"upstream", "lookalike-port", "dot-dot", "query", "space"})
  void urlsOutsideTheCacheAreRefusedAndNeverRequested(String kind) throws Exception {
    String cache = lab.cache.url();
    String url = switch (kind) {
      case "upstream" -> lab.upstream.url() + "dist/" + LIBFOO;
      case "lookalike-port" -> cache.substring(0, cache.length() - 1) + "0/pkg/devel/libfoo/" + LIBFOO;
      case "dot-dot" -> cache + "pkg/../../dist/" + LIBFOO;
      case "query" -> cache + "pkg/devel/libfoo/" + LIBFOO + "?x=1";
      case "space" -> cache + "pkg/devel/libfoo/a b";
      default -> throw new IllegalArgumentException(kind);
    };
    int before = lab.upstream.requests().size();
    Exec.Result r = fetchWrapper(distdir, List.of("--cache", cache, "-o", "out.part", url)).run();
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().startsWith("distvault-fetch: refused: " + url), r.stderr());
    assertFalse(Files.exists(distdir.resolve("out.part")));
    assertEquals(before, lab.upstream.requests().size(), lab.upstream.requests().toString());
  }

  @Test
  void pkgsrcFallThroughToMasterSitesIsDeadAfterAMiss() throws Exception {
    PkgsrcFetch fetch = new PkgsrcFetch(List.of(), mkConf("curl", ""));
    int before = lab.upstream.requests().size();
    // The file exists upstream, but the cache lacks it: every site after the override is refused.
    Files.write(dir.resolve("upstream/dist/extra-1.0.tar.gz"), new byte[] {1, 2, 3});
    PkgsrcFetch.Outcome outcome = fetch.fetch(distdir, "extra-1.0.tar.gz", 3, List.of(
        lab.cache.url() + "pkg/devel/libfoo/", lab.upstream.url() + "dist/",
        "-" + lab.upstream.url() + "dist/extra-1.0.tar.gz"), false);
    assertFalse(outcome.fetched(), outcome.toString());
    assertEquals(List.of(22, 1, 1), outcome.attempts().stream().map(PkgsrcFetch.Attempt::exit).toList(),
        outcome.toString());
    assertTrue(outcome.stderr().contains("refused: " + lab.upstream.url() + "dist/extra-1.0.tar.gz is not under"),
        outcome.stderr());
    assertEquals(before, lab.upstream.requests().size(), lab.upstream.requests().toString());
    assertFalse(Files.exists(distdir.resolve("extra-1.0.tar.gz")));
  }

  static List<Arguments> badUsage() {
    return List.of(
        Arguments.of(List.of("--cache", "http://c:1/", "http://c:1/x"), "no output file given"),
        Arguments.of(List.of("-o", "f", "http://c:1/x"), "no cache configured"),
        Arguments.of(List.of("--cache", "http://c:1/", "-o", "f"), "no URL given"),
        Arguments.of(List.of("--cache", "http://c:1/", "--frobnicate", "-o", "f", "http://c:1/x"),
            "unknown option --frobnicate"),
        Arguments.of(List.of("--cache", "http://c:1/", "-o", "f", "http://c:1/x", "extra"),
            "unexpected arguments after the URL: extra"),
        Arguments.of(List.of("--cache", "http://c:1/", "-C", "100", "-o", "f", "http://c:1/x"), "-C takes only '-'"),
        Arguments.of(List.of("--cache", "c:1", "-o", "f", "http://c:1/x"), "cache prefix is not an http(s) URL"),
        Arguments.of(List.of("--cache", "http://c:1/", "--tool", "lynx", "-o", "f", "http://c:1/x"),
            "unknown download tool: lynx"),
        Arguments.of(List.of("--cache", "http://c:1/", "-q", "soon", "-o", "f", "http://c:1/x"),
            "timeout is not a number of seconds: soon"));
  }

  @ParameterizedTest
  @MethodSource("badUsage")
  void badUsageExitsTwoWithTheReasonAndUsage(List<String> args, String message) throws Exception {
    Exec.Result r = fetchWrapper(distdir, args).run();
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.stderr().startsWith("distvault-fetch: " + message), r.stderr());
    assertTrue(r.stderr().contains("usage: distvault-fetch"), r.stderr());
    assertFalse(Files.exists(distdir.resolve("f")));
  }

  @Test
  void cachePrefixesComeFromTheEnvironmentToo() throws IOException, InterruptedException {
    fetchWrapper(distdir, List.of("-o", "env.part", lab.pkgUrl("devel/libfoo", LIBFOO)))
        .env("DISTVAULT_URL", "http://other.example/ " + lab.cache.url()).run().expect(0);
    assertArrayEquals(lab.distfiles.bytes(LIBFOO), LoopbackCache.read(distdir.resolve("env.part")));
  }
}
