package org.distvault.e2e.buildhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distvault.e2e.DistinfoTree;
import org.distvault.e2e.Exec;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.StaticFileServer;
import org.distvault.server.testing.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The build hosts' side of HTTPS: the real jar serves with a test CA's certificate
 * ({@code --tls-cert}, {@code --tls-key}) and its admin API on a listener of its own; it is filled
 * by {@code distvault prefetch --ca-file} through that listener; then pkgsrc's fetch, with
 * {@code ops/pkgsrc/mk.conf}'s variables and {@code DISTVAULT_CA_FILE}, downloads through
 * distvault-fetch with curl and wget, each verifying the chain. Without the CA file curl refuses
 * the server; tnftp, which cannot verify a certificate, is refused with one.
 */
class DistvaultFetchTlsTest {
  private static final String LIBFOO = "libfoo-1.0.tar.gz";
  @TempDir static Path dir;
  @TempDir Path distdir;
  static TestCa ca;
  static StaticFileServer upstream;
  static JarServer cache;
  static DistinfoTree tree;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create(dir.resolve("ca"));
    tree = new DistinfoTree(dir.resolve("tree"), dir.resolve("upstream/dist"));
    tree.add("devel/libfoo", LIBFOO, 200_000, true);
    upstream = StaticFileServer.start(dir.resolve("upstream"));
    cache = JarServer.start(dir.resolve("data"), dir, "--no-upstream", "--tls-cert", ca.serverCert().toString(),
        "--tls-key", ca.serverKey().toString(), "--admin-listen", "127.0.0.1:0");
    String admin = cache.banner().stream().filter(l -> l.startsWith("admin API ")).findFirst().orElseThrow()
        .substring("admin API ".length());
    assertTrue(admin.startsWith("https://127.0.0.1:"), cache.banner().toString());
    Exec.of(OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString(), "prefetch", "--server", admin,
            "--token-file", dir.resolve("data/admin.token").toString(), "--ca-file", ca.caCert().toString(),
            "--distinfo", tree.tree().toString(), "--site", upstream.url() + "dist/",
            "--report", dir.resolve("prefetch.json").toString())
        .timeout(Duration.ofSeconds(120)).run().expect(0);
  }

  @AfterAll
  static void stop() {
    if (cache != null) {
      cache.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** pkgsrc's fetch of libfoo with mk.conf's variables for TOOL and, if given, the CA file. */
  private PkgsrcFetch.Outcome fetch(String tool, String caFile) throws Exception {
    Map<String, String> settings = new HashMap<>(Map.of("DISTVAULT_SITE", cache.url(),
        "DISTVAULT_FETCH", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString(),
        "DISTVAULT_FETCH_TOOL", tool));
    if (caFile != null) {
      settings.put("DISTVAULT_CA_FILE", caFile);
    }
    Map<String, String> vars = new HashMap<>(MkConf.evaluate(distdir, "devel/libfoo", settings,
        List.of("MASTER_SITE_OVERRIDE", "FETCH_CMD", "FETCH_BEFORE_ARGS", "FETCH_RESUME_ARGS", "FETCH_OUTPUT_ARGS",
            "FETCH_AFTER_ARGS")));
    String override = vars.remove("MASTER_SITE_OVERRIDE");
    assertEquals(cache.url() + "pkg/devel/libfoo/", override);
    return new PkgsrcFetch(List.of(), vars).fetch(distdir, LIBFOO, 200_000, List.of(override), false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"curl", "wget"})
  void aToolVerifyingTheChainWithTheCaFileFetchesTheExactBytes(String tool) throws Exception {
    assertTrue(cache.url().startsWith("https://"), cache.url());
    PkgsrcFetch.Outcome outcome = fetch(tool, ca.caCert().toString());
    assertTrue(outcome.fetched(), outcome.toString());
    assertArrayEquals(tree.bytes(LIBFOO), Files.readAllBytes(distdir.resolve(LIBFOO)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"curl"})
  void withoutTheCaFileTheToolRefusesTheServer(String tool) throws Exception {
    PkgsrcFetch.Outcome outcome = fetch(tool, null);
    assertFalse(outcome.fetched(), outcome.toString());
    assertEquals(60, outcome.attempts().get(0).exit(), outcome.toString()); // certificate not verified
  }

  @ParameterizedTest
  @ValueSource(strings = {"tnftp"})
  void aToolThatCannotVerifyIsRefusedWhenACaFileIsGiven(String tool) throws Exception {
    PkgsrcFetch.Outcome outcome = fetch(tool, ca.caCert().toString());
    assertFalse(outcome.fetched(), outcome.toString());
    assertEquals(2, outcome.attempts().get(0).exit(), outcome.toString());
    assertTrue(outcome.stderr().contains("distvault-fetch: --ca-file: tnftp cannot verify certificates; use --tool "
        + "curl, wget or fetch"), outcome.toString());
    assertFalse(Files.exists(distdir.resolve(LIBFOO)));
  }
}
