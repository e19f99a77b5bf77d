package org.distvault.e2e.pbulk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/pbulk/distvault-pbulk-build} as pbulk.conf's {@code script_phase_build}: run with
 * /bin/sh against the real jar server, an upstream on loopback that has good-1.0.tar.gz and
 * answers 404 for gone-2.0.tar.gz, a pkgsrc tree (the fixture's fake mk/, real bmake) whose two
 * packages fetch from it, a pbulk.conf and meta/presolve in pbulk's layout, and stub scripts for
 * pbulk's build and the network hooks that append what they saw to an events file. The
 * distvault command itself is wrapped to record its subcommands in the same file (and to start
 * its JVM quickly: C1 only, serial GC).
 */
@Timeout(300)
class DistvaultPbulkBuildIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final byte[] GOOD = "the good distfile, fetched before the build\n".getBytes(UTF_8);
  private static final byte[] GONE = "the distfile its upstream lost\n".getBytes(UTF_8);

  /** One server and upstream for all tests (each run starts by putting the cache online). */
  @TempDir static Path shared;
  private static HttpServer upstream;
  private static String upstreamUrl;
  private static JarServer server;
  private static Path token;

  @TempDir Path dir;
  private Path events;
  private Path bulklog;
  private Path settings;

  @BeforeAll
  static void startServers() throws Exception {
    assumeTrue(onPath("bmake"), "bmake is not installed (Debian package: bmake)");
    assumeTrue(onPath("curl"), "curl is not installed (Debian package: curl)");
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", ex -> {
      byte[] body = ex.getRequestURI().getPath().equals("/good-1.0.tar.gz") ? GOOD : null;
      ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        if (body != null) {
          out.write(body);
        }
      }
    });
    upstream.start();
    upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/";
    server = JarServer.start(shared.resolve("data"), shared);
    token = shared.resolve("data/admin.token");
  }

  @AfterAll
  static void stopServers() {
    if (server != null) {
      server.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  @BeforeEach
  void writeTreeConfigAndStubs() throws Exception {
    events = dir.resolve("events");

    Path pkgsrc = tree(dir.resolve("pkgsrc"));
    bulklog = dir.resolve("bulklog");
    Path meta = Files.createDirectories(bulklog.resolve("meta"));
    Files.writeString(meta.resolve("presolve"), """
        PKGNAME=good-1.0
        PKG_LOCATION=cat/good
        DEPENDS=
        PKG_SKIP_REASON=
        PKG_FAIL_REASON=
        PKGNAME=gone-2.0
        PKG_LOCATION=cat/gone
        DEPENDS=good-1.0
        PKG_SKIP_REASON=
        PKG_FAIL_REASON=
        """);
    // As pbulk.conf does: loc under bulklog, and names (presolve, make) the script must not take.
    Path pbulkConf = Files.writeString(dir.resolve("pbulk.conf"), "bulklog=" + bulklog + "\nloc=${bulklog}/meta\n"
        + "pkgsrc=" + pkgsrc + "\npresolve=/usr/pkg/bin/pbulk-resolve\nmake=/usr/pkg/bin/bmake\n");

    Path distvault = script("distvault", """
        case $1 in mode) echo "distvault mode $2" ;; *) echo "distvault $1" ;; esac >> EVENTS
        exec JAVA -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.io.tmpdir=TMP -jar JAR "$@"
        """.replace("JAVA", OpsPaths.java().toString()).replace("TMP", dir.toString())
        .replace("JAR", OpsPaths.jar().toString()));
    Path build = script("pbulk-build", """
        mode=$(curl -sS -H "Authorization: Bearer $(head -n 1 TOKEN)" URLapi/v1/mode)
        echo "build $* mode=$mode" >> EVENTS
        cp LOC/error EVENTS.error-at-build
        case ${STUB_BUILD:-ok} in
        fail) exit 3 ;;
        interrupt) kill -TERM "$PPID"; exit 0 ;;
        esac
        """.replace("TOKEN", token.toString()).replace("URL", server.url()).replace("LOC", meta.toString()));
    Path netOff = script("net-off", "echo \"net-off run=$DISTVAULT_RUN_ID server=$DISTVAULT_SERVER\" >> EVENTS\n");
    Path netOn = script("net-on", "echo \"net-on status=$DISTVAULT_BUILD_STATUS\" >> EVENTS\n");
    settings = Files.writeString(dir.resolve("distvault-pbulk.conf"), String.join("\n",
        "DISTVAULT_SERVER=" + server.url(),
        "DISTVAULT_TOKEN_FILE=" + token,
        "DISTVAULT=" + distvault,
        "PBULK_CONF=" + pbulkConf,
        "PBULK_BUILD=" + build,
        "NET_OFF_HOOK=" + netOff,
        "NET_ON_HOOK=" + netOn,
        "RUN_ID=e2e-1",
        "PREFETCH_ARGS=\"--jobs 2\"",
        ""));
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }

  /** An executable /bin/sh script in the test directory; EVENTS is the events file. */
  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nset -eu\n" + body.replace("EVENTS", events.toString()));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  /** The fixture's fake mk/ with cat/good and cat/gone, both fetched from the loopback upstream only. */
  private static Path tree(Path root) throws IOException, NoSuchAlgorithmException {
    Path fixture = OpsPaths.ops().resolve("../prefetch-tool/src/test/resources/pkgsrc-fixture").normalize();
    for (String f : List.of("mk/bsd.pkg.mk", "mk/bsd.pkg.subdir.mk", "mk/misc/category.mk")) {
      Files.createDirectories(root.resolve(f).getParent());
      Files.copy(fixture.resolve(f), root.resolve(f));
    }
    Files.writeString(root.resolve("Makefile"), "SUBDIR+=\tcat\n\n.include \"mk/bsd.pkg.subdir.mk\"\n");
    for (Map.Entry<String, byte[]> p : Map.of("good-1.0", GOOD, "gone-2.0", GONE).entrySet()) {
      String name = p.getKey();
      Path pkg = Files.createDirectories(root.resolve("cat/" + name.substring(0, name.indexOf('-'))));
      Files.writeString(pkg.resolve("Makefile"), "DISTNAME=\t" + name + "\nMASTER_SITES=\t" + upstreamUrl
          + "\nMASTER_SITE_BACKUP=\n\n.include \"../../mk/bsd.pkg.mk\"\n");
      String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(p.getValue()));
      Files.writeString(pkg.resolve("distinfo"), "$NetBSD$\n\nSHA512 (" + name + ".tar.gz) = " + sha512
          + "\nSize (" + name + ".tar.gz) = " + p.getValue().length + " bytes\n");
    }
    return root;
  }

  /** Runs the script as bulkbuild does (no arguments), with this environment; returns its exit status. */
  private int runScript(Map<String, String> env) throws Exception {
    Path script = OpsPaths.ops().resolve("pbulk/distvault-pbulk-build");
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", script.toString(), "-c", settings.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("script.out").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "distvault-pbulk-build did not finish");
    return p.exitValue();
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("script.out"));
  }

  private List<String> events() throws IOException {
    return Files.readAllLines(events);
  }

  private String mode() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/mode"))
        .header("Authorization", "Bearer " + Files.readAllLines(token).get(0)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("mode").asText();
  }

  private static String modeLine(String mode) {
    return "build  mode={\"mode\":\"" + mode + "\"";
  }

  @Test
  void prefetchSealNetOffBuildNetOnInOrderAndTheMissingDistfileFailsItsPackage() throws Exception {
    int status = runScript(Map.of());

    assertEquals(0, status, output());
    List<String> ev = events();
    assertEquals(List.of("distvault mode online", "distvault prefetch", "distvault mode offline",
        "net-off run=e2e-1 server=" + server.url()), ev.subList(0, 4), output());
    assertTrue(ev.get(4).startsWith(modeLine("offline")), ev.toString());
    assertEquals(List.of("net-on status=0"), ev.subList(5, ev.size()), output());

    // meta/error lists exactly the package whose distfile is missing, before the build started.
    assertEquals("gone-2.0\n", Files.readString(bulklog.resolve("meta/error")));
    assertEquals("gone-2.0\n", Files.readString(Path.of(events + ".error-at-build")));
    String log = Files.readString(bulklog.resolve("gone-2.0/checksum.log"));
    assertTrue(log.contains("Distfile gone-2.0.tar.gz could not be prefetched: HTTP 404 from " + upstreamUrl
        + "gone-2.0.tar.gz\n"), log);
    assertTrue(log.contains("PKGPATH:       cat/gone\n"), log);
    assertFalse(Files.exists(bulklog.resolve("good-1.0")));
    JsonNode report = JSON.readTree(bulklog.resolve("meta/distvault-prefetch.json").toFile());
    assertEquals("gone-2.0", report.path("pbulk").path("marked").get(0).path("pkgname").asText(), report.toString());
    assertEquals("cat/gone\tgone-2.0.tar.gz\tHTTP 404 from " + upstreamUrl + "gone-2.0.tar.gz\n",
        Files.readString(bulklog.resolve("meta/distvault-failures")));

    // The good distfile is in the cache, served while sealed; the cache stays sealed.
    HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "distfiles/good-1.0.tar.gz"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertArrayEquals(GOOD, got.body());
    assertEquals("offline", mode());
    assertTrue(output().contains("distvault-pbulk-build: pbulk's build phase ended with status 0"), output());
  }

  @Test
  void aFailedBuildStillTurnsTheNetworkOnAndItsStatusIsTheScriptsStatus() throws Exception {
    Files.writeString(settings, "DISTVAULT_ONLINE_AFTER=yes\n", java.nio.file.StandardOpenOption.APPEND);

    int status = runScript(Map.of("STUB_BUILD", "fail"));

    assertEquals(3, status, output());
    List<String> ev = events();
    assertEquals("net-on status=3", ev.get(5), ev.toString());
    assertEquals("distvault mode online", ev.get(6), ev.toString());
    assertEquals(7, ev.size(), ev.toString());
    assertEquals("online", mode());
  }

  @Test
  void anInterruptedBuildStillTurnsTheNetworkOn() throws Exception {
    int status = runScript(Map.of("STUB_BUILD", "interrupt"));

    assertEquals(143, status, output());
    List<String> ev = events();
    assertTrue(ev.get(4).startsWith(modeLine("offline")), ev.toString());
    assertEquals(List.of("net-on status=143"), ev.subList(5, ev.size()), output());
  }

  @Test
  void aPrefetchThatCannotMarkStopsBeforeSealingAndBuilding() throws Exception {
    // loc elsewhere, bulklog missing: prefetch --pbulk-bulklog exits 2.
    Path loc = bulklog.resolve("meta");
    Files.writeString(dir.resolve("pbulk.conf"), "bulklog=" + dir.resolve("no-such-bulklog") + "\nloc=" + loc
        + "\npkgsrc=" + dir.resolve("pkgsrc") + "\n");

    int status = runScript(Map.of());

    assertEquals(2, status, output());
    assertEquals(List.of("distvault mode online", "distvault prefetch"), events(), output());
    assertTrue(output().contains("the prefetch failed with status 2 (bad setup, see above): not building"), output());
    assertFalse(Files.exists(loc.resolve("error")));
    assertEquals("online", mode());
  }
}
