package org.distvault.e2e.netns;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.distvault.e2e.netns.NetnsLab.BUILD;
import static org.distvault.e2e.netns.NetnsLab.CACHE;
import static org.distvault.e2e.netns.NetnsLab.FETCH_TO_UP;
import static org.distvault.e2e.netns.NetnsLab.UPSTREAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.e2e.DistinfoTree;
import org.distvault.e2e.Exec;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.buildhost.MkConf;
import org.distvault.e2e.buildhost.PkgsrcFetch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end proof of DESIGN.md §6 on Linux network namespaces ({@link NetnsLab}): the real
 * jar prefetches from upstream through the cache's API and seals it; then the build host, whose
 * only route is to the cache and whose output is locked by {@code ops/firewall/nftables.conf},
 * gets hits with curl, wget, tnftp and the {@code ops/pkgsrc} fetch setup, cannot download from
 * upstream, and its misses become violations naming the package and the build host. Steps run in
 * order and share the lab; needs root (CI is root) and fails, never skips, without it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetnsProofIT {
  private static final int CACHE_PORT = 8080;
  private static final int UPSTREAM_PORT = 8000;
  private static final int OTHER_PORT = 9000;
  private static final String CACHE_URL = "http://" + CACHE + ":" + CACHE_PORT + "/";
  private static final String SITE = "http://" + UPSTREAM + ":" + UPSTREAM_PORT + "/dist/";
  private static final String RUN = "netns-proof";
  private static final String LIBFOO = "libfoo-1.0.tar.gz";
  private static final String VOICES = "sounds-2.0/voices=en.zip";
  private static final String GONE = "gone-1.0.tar.gz";
  private static final String GONE_REASON = "HTTP 404 from " + SITE + GONE;
  private static final Duration JVM_LIMIT = Duration.ofSeconds(90);

  private Path dir;
  private NetnsLab lab;
  private DistinfoTree distfiles;
  private Daemon upstream;
  private Daemon otherService;
  private JarServer cache;
  private Path token;

  @BeforeAll
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void startSite(@TempDir Path scratch) throws Exception {
    dir = scratch;
    lab = NetnsLab.create();
    distfiles = new DistinfoTree(dir.resolve("tree"), dir.resolve("upstream/dist"));
    distfiles.add("devel/libfoo", LIBFOO, 400_000, true);
    distfiles.add("games/sounds", VOICES, 60_000, true);
    distfiles.add("devel/gone", GONE, 1_000, false);
    upstream = javaDaemon("up", "upstream", dir.resolve("upstream").toString(), UPSTREAM, UPSTREAM_PORT);
    // Another service on the cache host: reachable by route from the build host, so only the
    // firewall's port rule keeps the build host away from it.
    otherService = javaDaemon("cache", "other", dir.resolve("upstream").toString(), CACHE, OTHER_PORT);
    cache = JarServer.start(lab.in("cache"), dir, List.of("serve", "--data", dir.resolve("data").toString(),
        "--listen", CACHE + ":" + CACHE_PORT, "--no-upstream"));
    assertEquals(CACHE_URL, cache.url());
    token = dir.resolve("data/admin.token");
  }

  private Daemon javaDaemon(String role, String label, String root, String address, int port) throws Exception {
    List<String> command = new ArrayList<>(lab.in(role));
    command.addAll(List.of(OpsPaths.java().toString(), "-cp", System.getProperty("java.class.path"),
        "org.distvault.e2e.StaticFileServer", root, address, String.valueOf(port)));
    Daemon d = Daemon.start(command, dir.resolve(label + ".stderr"), Duration.ofSeconds(30));
    assertEquals("listening http://" + address + ":" + port + "/", d.lines().get(0));
    return d;
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      for (AutoCloseable c : new AutoCloseable[] {upstream, otherService, cache}) {
        if (c != null) {
          c.close();
        }
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  private Exec.Result jar(String role, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OpsPaths.java().toString(),
        "-Djava.io.tmpdir=" + dir, "-jar", OpsPaths.jar().toString()));
    command.addAll(List.of(args));
    return Exec.prefixed(lab.in(role), command).in(dir).timeout(JVM_LIMIT).run();
  }

  /** Upstream's request log lines: {@code CLIENT METHOD PATH STATUS}. */
  private List<String> upstreamRequests() {
    return upstream.lines().subList(1, upstream.lines().size());
  }

  @Test
  @Order(1)
  void prefetchFromUpstreamThroughTheCacheApi() throws Exception {
    Path report = dir.resolve("prefetch.json");
    Path failures = dir.resolve("prefetch.failures");
    Exec.Result r = jar("fetch", "prefetch", "--server", CACHE_URL, "--token-file", token.toString(),
        "--distinfo", distfiles.tree().toString(), "--site", SITE,
        "--report", report.toString(), "--failures", failures.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.stderr().contains("prefetch: 3 distfiles: 2 fetched, 0 already in the cache, 1 failed"), r.stderr());

    Map<String, JsonNode> outcomes = new HashMap<>();
    new ObjectMapper().readTree(report.toFile()).path("outcomes").forEach(o -> outcomes.put(o.path("name").asText(), o));
    assertEquals("ok", outcomes.get(LIBFOO).path("status").asText());
    assertEquals("ok", outcomes.get(VOICES).path("status").asText());
    assertEquals("failed", outcomes.get(GONE).path("status").asText());
    assertEquals(GONE_REASON, outcomes.get(GONE).path("reason").asText());
    assertEquals("devel/gone\t" + GONE + "\t" + GONE_REASON + "\n", Files.readString(failures, UTF_8));

    // Only the fetch host talked to upstream.
    assertEquals(3, upstreamRequests().size(), upstreamRequests().toString());
    upstreamRequests().forEach(line -> assertTrue(line.startsWith(FETCH_TO_UP + " GET /dist/"), line));
  }

  @Test
  @Order(2)
  void pbulkFailureOutputNamesTheReason() throws Exception {
    Path pkgsrc = dir.resolve("pkgsrc");
    Path fixture = OpsPaths.ops().getParent().resolve("prefetch-tool/src/test/resources/pkgsrc-fixture");
    copyTree(fixture.resolve("mk"), pkgsrc.resolve("mk"));
    Files.writeString(pkgsrc.resolve("Makefile"), "SUBDIR+=\tdevel\n\n.include \"mk/bsd.pkg.subdir.mk\"\n");
    Files.createDirectories(pkgsrc.resolve("devel/gone"));
    Files.writeString(pkgsrc.resolve("devel/Makefile"),
        "COMMENT=\tdevel packages\n\nSUBDIR+=\tgone\n\n.include \"../mk/misc/category.mk\"\n");
    Files.writeString(pkgsrc.resolve("devel/gone/Makefile"), "DISTNAME=\tgone-1.0\nCATEGORIES=\tdevel\n"
        + "MASTER_SITES=\t" + SITE + "\nMASTER_SITE_BACKUP=\n\n.include \"../../mk/bsd.pkg.mk\"\n");
    Files.copy(distfiles.tree().resolve("devel/gone/distinfo"), pkgsrc.resolve("devel/gone/distinfo"));
    Path meta = Files.createDirectories(dir.resolve("bulklog/meta"));
    Path presolve = meta.resolve("presolve");
    Files.writeString(presolve, "PKGNAME=gone-1.0\nPKG_LOCATION=devel/gone\nALL_DEPENDS=\n"
        + "PKG_SKIP_REASON=\nPKG_FAIL_REASON=\nDEPENDS=\n");

    Exec.Result r = jar("fetch", "prefetch", "--server", CACHE_URL, "--token-file", token.toString(),
        "--pkgsrc", pkgsrc.toString(), "--pbulk-presolve", presolve.toString(), "--pbulk-mark-failed");
    assertEquals(1, r.exit(), r.toString());
    assertEquals("gone-1.0\n", Files.readString(meta.resolve("error"), UTF_8));
    String log = Files.readString(dir.resolve("bulklog/gone-1.0/checksum.log"), UTF_8);
    assertTrue(log.contains(GONE), log);
    assertTrue(log.contains(GONE_REASON), log);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  @Order(3)
  void sealTheCache() throws Exception {
    Exec.Result r = jar("fetch", "mode", "offline", "--server", CACHE_URL, "--token-file", token.toString(),
        "--reason", "netns proof: build starts");
    assertEquals(0, r.exit(), r.toString());
    Exec.Result health = lab.run("build", "curl", "--fail", "-sS", CACHE_URL + "healthz");
    assertEquals(0, health.exit(), health.toString());
    assertTrue(health.stdout().contains("\"mode\":\"offline\""), health.stdout());
  }

  @Test
  @Order(4)
  void buildHostReachesOnlyTheCacheEvenWithARouteOut() throws Exception {
    // Routing alone: the build host knows only its link to the cache.
    assertEquals(BUILD.substring(0, BUILD.lastIndexOf('.')) + ".0/30 dev eth0 proto kernel scope link src " + BUILD,
        lab.run("build", "ip", "route", "show").stdout().strip());
    assertEquals(0, curlStatus("build", "http://" + CACHE + ":" + OTHER_PORT + "/x").exit());

    // The lock: the shipped nftables example with this site's cache address and port.
    String rules = Files.readString(OpsPaths.ops().resolve("firewall/nftables.conf"), UTF_8);
    String site = replaceOnce(replaceOnce(rules, "(?m)^define cache_addr = .*$", "define cache_addr = " + CACHE),
        "(?m)^define cache_port = .*$", "define cache_port = " + CACHE_PORT);
    Path nft = Files.writeString(dir.resolve("nftables.conf"), site);
    lab.run("build", "nft", "-f", nft.toString()).expect(0);
    lab.run("build", "nft", "-f", nft.toString()).expect(0); // loading twice replaces the table

    assertEquals(0, curlStatus("build", CACHE_URL + "healthz").exit());
    Exec.Result other = curlStatus("build", "http://" + CACHE + ":" + OTHER_PORT + "/x");
    assertNotEquals(0, other.exit(), "the lock lets the build host reach another port of the cache host: " + other);

    // Direct download from upstream: no route; and with a route through the cache host added,
    // the firewall still refuses it before a packet leaves.
    Exec.Result direct = curlStatus("build", SITE + LIBFOO);
    assertEquals(7, direct.exit(), direct.toString());
    lab.run("build", "ip", "route", "add", UPSTREAM + "/32", "via", CACHE).expect(0);
    try {
      Exec.Result routed = curlStatus("build", SITE + LIBFOO);
      assertEquals(7, routed.exit(), routed.toString());
      assertTrue(routed.stderr().contains("Connection refused") || routed.stderr().contains("Couldn't connect"),
          routed.stderr());
    } finally {
      lab.run("build", "ip", "route", "del", UPSTREAM + "/32", "via", CACHE).expect(0);
    }
    Matcher counter = Pattern.compile("counter packets (\\d+)").matcher(
        lab.run("build", "nft", "list", "table", "inet", "distvault_lock").expect(0).stdout());
    assertTrue(counter.find() && Long.parseLong(counter.group(1)) >= 2, "nft counted no rejected packet");

    // The check command agrees: closed on the build host, loudly open on the fetch host.
    String lockcheck = OpsPaths.ops().resolve("firewall/distvault-lockcheck").toString();
    Exec.Result closed = lab.run("build", "/bin/sh", lockcheck, "--cache", CACHE_URL, "--upstream", SITE + LIBFOO,
        "--timeout", "5");
    assertEquals(0, closed.exit(), closed.toString());
    assertTrue(closed.stdout().contains("OK: the cache answers and upstream is unreachable"), closed.stdout());
    Exec.Result open = lab.run("fetch", "/bin/sh", lockcheck, "--cache", CACHE_URL, "--upstream", SITE + LIBFOO,
        "--timeout", "5");
    assertEquals(1, open.exit(), open.toString());
    assertTrue(open.stderr().contains("LOCK IS OPEN: this host reached " + SITE + LIBFOO + " directly (HTTP 200)"),
        open.stderr());
    assertFalse(upstreamRequests().stream().anyMatch(l -> l.startsWith(BUILD + " ")), upstreamRequests().toString());
  }

  private Exec.Result curlStatus(String role, String url) throws IOException, InterruptedException {
    return lab.run(role, "curl", "-sS", "--max-time", "5", "-o", "/dev/null", url);
  }

  private static String replaceOnce(String text, String regex, String replacement) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "ops/firewall/nftables.conf lacks " + regex);
    String result = m.replaceFirst(replacement);
    assertFalse(Pattern.compile(regex).matcher(text.substring(m.end())).find(), "several " + regex);
    return result;
  }

  /** MASTER_SITE_OVERRIDE and the fetch variables of ops/pkgsrc/mk.conf on this build host. */
  private Map<String, String> mkConf(String pkgpath, String run) throws Exception {
    return mkConf(pkgpath, "", run);
  }

  /** The same with DISTVAULT_SET=SET. */
  private Map<String, String> mkConf(String pkgpath, String set, String run) throws Exception {
    List<String> vars = new ArrayList<>(List.of("MASTER_SITE_OVERRIDE"));
    vars.addAll(MkConf.FETCH_VARIABLES);
    return new HashMap<>(MkConf.evaluate(dir, pkgpath, Map.of("DISTVAULT_SITE", CACHE_URL, "DISTVAULT_SET", set,
        "DISTVAULT_RUN", run, "DISTVAULT_FETCH", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString()), vars));
  }

  @Test
  @Order(5)
  void hitsWithCurlWgetAndTnftpThroughTheMkConfLayout() throws Exception {
    String libfooRun = mkConf("devel/libfoo", RUN).get("MASTER_SITE_OVERRIDE");
    assertEquals(CACHE_URL + "run/" + RUN + "/pkg/devel/libfoo/", libfooRun);
    String libfoo = mkConf("devel/libfoo", "").get("MASTER_SITE_OVERRIDE");
    assertEquals(CACHE_URL + "pkg/devel/libfoo/", libfoo);
    // DISTVAULT_SET=default names the set that the URLs without /set/ serve.
    String libfooSet = mkConf("devel/libfoo", "default", RUN).get("MASTER_SITE_OVERRIDE");
    assertEquals(CACHE_URL + "set/default/run/" + RUN + "/pkg/devel/libfoo/", libfooSet);
    // pkgsrc appends DIST_SUBDIR/ to the override, then the file name.
    String sounds = mkConf("games/sounds", RUN).get("MASTER_SITE_OVERRIDE") + "sounds-2.0/";

    Path out = Files.createDirectories(dir.resolve("hits"));
    lab.run("build", "curl", "--fail", "-sS", "-o", out.resolve("curl").toString(), libfooRun + LIBFOO).expect(0);
    lab.run("build", "wget", "-q", "-O", out.resolve("wget").toString(), libfoo + LIBFOO).expect(0);
    lab.run("build", "tnftp", "-o", out.resolve("tnftp").toString(), sounds + "voices=en.zip").expect(0);
    lab.run("build", "curl", "--fail", "-sS", "-o", out.resolve("curl-set").toString(), libfooSet + LIBFOO).expect(0);
    assertArrayEquals(distfiles.bytes(LIBFOO), Files.readAllBytes(out.resolve("curl")));
    assertArrayEquals(distfiles.bytes(LIBFOO), Files.readAllBytes(out.resolve("curl-set")));
    assertArrayEquals(distfiles.bytes(LIBFOO), Files.readAllBytes(out.resolve("wget")));
    assertArrayEquals(distfiles.bytes(VOICES), Files.readAllBytes(out.resolve("tnftp")));
  }

  @Test
  @Order(6)
  void pkgsrcFetchSetupGetsHitsAndRefusesUpstream() throws Exception {
    Path distdir = Files.createDirectories(dir.resolve("distdir"));
    Map<String, String> libfoo = mkConf("devel/libfoo", RUN);
    PkgsrcFetch fetch = new PkgsrcFetch(lab.in("build"), fetchOnly(libfoo));
    PkgsrcFetch.Outcome hit = fetch.fetch(distdir, LIBFOO, 400_000,
        List.of(libfoo.get("MASTER_SITE_OVERRIDE"), SITE), false);
    assertTrue(hit.fetched(), hit.toString());
    assertEquals(1, hit.attempts().size(), hit.toString());
    assertArrayEquals(distfiles.bytes(LIBFOO), Files.readAllBytes(distdir.resolve(LIBFOO)));

    // The file the prefetch could not get: the cache misses (a violation), upstream is refused.
    Map<String, String> gone = mkConf("devel/gone", RUN);
    PkgsrcFetch.Outcome miss = new PkgsrcFetch(lab.in("build"), fetchOnly(gone))
        .fetch(distdir, GONE, 1_000, List.of(gone.get("MASTER_SITE_OVERRIDE"), SITE), false);
    assertFalse(miss.fetched(), miss.toString());
    assertEquals(List.of(22, 1), miss.attempts().stream().map(PkgsrcFetch.Attempt::exit).toList(), miss.toString());
    assertTrue(miss.stderr().contains("distvault-fetch: refused: " + SITE + GONE + " is not under the distvault cache"),
        miss.stderr());
    assertFalse(Files.exists(distdir.resolve(GONE)));
    assertFalse(upstreamRequests().stream().anyMatch(l -> l.startsWith(BUILD + " ")), upstreamRequests().toString());
  }

  private static Map<String, String> fetchOnly(Map<String, String> vars) {
    Map<String, String> copy = new HashMap<>(vars);
    copy.remove("MASTER_SITE_OVERRIDE");
    return copy;
  }

  @Test
  @Order(7)
  void missesAreViolationsNamingPackageHostAndReason() throws Exception {
    Exec.Result unknown = lab.run("build", "curl", "-sS", "-w", "%{http_code}", CACHE_URL + "pkg/devel/libfoo/never-1.0.tar.gz");
    assertTrue(unknown.stdout().startsWith("unknown: never-1.0.tar.gz is in no manifest (requested for devel/libfoo)"),
        unknown.stdout());
    assertTrue(unknown.stdout().endsWith("404"), unknown.stdout());

    Exec.Result r = jar("fetch", "violations", "--server", CACHE_URL, "--token-file", token.toString(),
        "--format", "json");
    assertEquals(0, r.exit(), r.toString());
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> violations = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        violations.add(json.readTree(line));
      }
    }
    assertEquals(2, violations.size(), r.stdout());
    JsonNode gone = violations.get(0);
    assertEquals("not-prefetched", gone.path("kind").asText());
    assertEquals(GONE, gone.path("name").asText());
    assertEquals("devel/gone", gone.path("pkgpath").asText());
    assertEquals(RUN, gone.path("run").asText());
    assertEquals(BUILD, gone.path("client").asText());
    assertEquals(GONE_REASON, gone.path("reason").asText());
    assertEquals("/run/" + RUN + "/pkg/devel/gone/" + GONE, gone.path("path").asText());
    assertTrue(gone.path("userAgent").asText().startsWith("curl/"), gone.toString());

    JsonNode never = violations.get(1);
    assertEquals("unknown", never.path("kind").asText());
    assertEquals("devel/libfoo", never.path("pkgpath").asText());
    assertEquals(BUILD, never.path("client").asText());

    // Nothing from the build host ever reached upstream.
    assertTrue(upstreamRequests().stream().allMatch(l -> l.startsWith(FETCH_TO_UP + " ")),
        upstreamRequests().toString());
  }
}
