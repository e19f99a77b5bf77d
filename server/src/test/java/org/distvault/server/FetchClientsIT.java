package org.distvault.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.distvault.server.mode.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fetch tools pkgsrc drives, run as real processes with the arguments {@code mk/fetch} gives
 * them, download from a sealed distvault server (the whole server over a real vault) through the
 * {@code MASTER_SITE_OVERRIDE} layouts, including a DIST_SUBDIR name, a literal {@code %2B} name
 * and a resumed download, also through a sealed source set ({@code /set/<set>/pkg/${PKGPATH}/}). A client whose binary is missing is skipped (CI installs curl, wget and
 * tnftp).
 */
class FetchClientsIT {
  /** A fetch tool with its pkgsrc arguments (fetch.mk: BEFORE_ARGS, RESUME_ARGS, OUTPUT_ARGS). */
  enum Client {
    CURL("curl") {
      @Override
      List<String> command(String url, Path out, boolean resume) {
        // -q (ignore ~/.curlrc) must come first; --silent --show-error only quiets the progress bar.
        List<String> c = new ArrayList<>(List.of("curl", "-q", "--silent", "--show-error",
            "--fail", "--insecure", "--location", "--remote-time"));
        if (resume) {
          c.addAll(List.of("-C", "-"));
        }
        c.addAll(List.of("-o", out.toString(), url));
        return c;
      }
    },
    WGET("wget") {
      @Override
      List<String> command(String url, Path out, boolean resume) {
        // --server-response logs the status lines; the resume test reads them.
        List<String> c = new ArrayList<>(List.of("wget", "--no-config", "--no-verbose", "--server-response",
            "--no-check-certificate"));
        if (resume) {
          c.add("-c");
        }
        c.addAll(List.of("-O", out.toString(), url));
        return c;
      }
    },
    TNFTP("tnftp") {
      @Override
      List<String> command(String url, Path out, boolean resume) {
        List<String> c = new ArrayList<>(List.of("tnftp"));
        if (resume) {
          c.add("-R");
        }
        c.addAll(List.of("-o", out.toString(), url));
        return c;
      }
    };

    private final String binary;

    Client(String binary) {
      this.binary = binary;
    }

    abstract List<String> command(String url, Path out, boolean resume);

    boolean installed() {
      String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
      return Arrays.stream(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, binary)));
    }
  }

  private static final String PLAIN = "plain-1.0.tar.gz";
  private static final String MYSQL = "mysql%2B%2B-3.3.0.tar.gz";
  private static final String SUBDIR = "firefox-l10n-57.0.2/ach.xpi";
  private static final Map<String, byte[]> CONTENT = Map.of(
      PLAIN, Catalogue.content(101, 300_000),
      MYSQL, Catalogue.content(102, 70_000),
      SUBDIR, Catalogue.content(103, 90_000));

  @TempDir static Path dir;
  @TempDir Path downloads;
  static TestServer server;

  /** The source set of the {@code /set/} cases, sealed like a set a bulk build runs against. */
  private static final String SET = "2026Q4";

  /**
   * The whole server over a real vault, the corpus catalogued, stored and bound per package, in the
   * default set and in the sealed set {@link #SET}.
   */
  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start(dir.resolve("data"), Mode.OFFLINE);
    for (Catalogue c : List.of(server.catalogue(), server.catalogue().in(SET))) {
      c.present(PLAIN, "devel/plain", CONTENT.get(PLAIN));
      c.present(MYSQL, "databases/mysql", CONTENT.get(MYSQL));
      c.present(SUBDIR, "www/firefox-l10n", CONTENT.get(SUBDIR));
    }
    server.catalogue().in(SET).seal();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  /** Runs the client to completion (at most 60 s) and returns its combined output. */
  private String fetch(Client client, String path, Path out, boolean resume) throws Exception {
    assumeTrue(client.installed(), client.binary + " is not installed");
    URI base = server.server.baseUri();
    String url = base.resolve(path).toString();
    assertEquals(base + path.substring(1), url, "the URL must be used exactly as written");
    ProcessBuilder pb = new ProcessBuilder(client.command(url, out, resume)).redirectErrorStream(true)
        .redirectOutput(downloads.resolve(client.binary + ".log").toFile()).directory(downloads.toFile());
    for (String proxy : List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")) {
      pb.environment().remove(proxy);
    }
    Process process = pb.start();
    boolean finished = process.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String log = Files.readString(downloads.resolve(client.binary + ".log"));
    assertTrue(finished, client.binary + " did not finish in 60 s: " + log);
    assertEquals(0, process.exitValue(), client.binary + " failed: " + log);
    return log;
  }

  static Stream<Arguments> downloads() {
    List<String[]> routes = List.of(
        new String[] {"/distfiles/" + PLAIN, PLAIN},
        new String[] {"/distfiles/" + SUBDIR, SUBDIR},
        new String[] {"/pkg/databases/mysql/" + MYSQL, MYSQL},
        new String[] {"/pkg/www/firefox-l10n/" + SUBDIR, SUBDIR},
        new String[] {"/run/bulk-1/pkg/devel/plain/" + PLAIN, PLAIN},
        new String[] {"/set/" + SET + "/pkg/devel/plain/" + PLAIN, PLAIN},
        new String[] {"/set/" + SET + "/pkg/databases/mysql/" + MYSQL, MYSQL},
        new String[] {"/set/" + SET + "/pkg/www/firefox-l10n/" + SUBDIR, SUBDIR},
        new String[] {"/set/" + SET + "/run/bulk-1/pkg/devel/plain/" + PLAIN, PLAIN});
    return Arrays.stream(Client.values()).flatMap(c -> routes.stream().map(r -> Arguments.of(c, r[0], r[1])));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("downloads")
  void clientDownloadsTheExactBytes(Client client, String path, String name) throws Exception {
    Path out = downloads.resolve("out.bin");
    fetch(client, path, out, false);
    assertArrayEquals(CONTENT.get(name), Files.readAllBytes(out));
    if (client == Client.CURL) {
      // --remote-time sets the file's time from Last-Modified.
      String lastModified = server.http().head(path).header("Last-Modified");
      assertEquals(
          ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond(),
          Files.getLastModifiedTime(out).toInstant().getEpochSecond());
    }
  }

  static Stream<Arguments> resumes() {
    return Arrays.stream(Client.values()).flatMap(c -> Stream.of(
        Arguments.of(c, "/pkg/devel/plain/" + PLAIN), Arguments.of(c, "/set/" + SET + "/pkg/devel/plain/" + PLAIN)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("resumes")
  void clientResumesATruncatedDownloadWithItsResumeFlag(Client client, String path) throws Exception {
    byte[] source = CONTENT.get(PLAIN);
    int have = 100_000;
    // The partial file holds zeros where the source has random bytes: if the client fetched the
    // whole file again instead of resuming, the zeros would be gone.
    Path out = downloads.resolve(PLAIN);
    Files.write(out, new byte[have]);
    String log = fetch(client, path, out, true);
    if (client == Client.WGET) {
      // wget -c given a 200 skips the bytes it has and appends the rest, so the bytes alone
      // cannot tell a resumed download from a full one.
      assertTrue(log.contains("HTTP/1.1 206 Partial Content"), log);
    }
    byte[] expected = source.clone();
    Arrays.fill(expected, 0, have, (byte) 0);
    assertArrayEquals(expected, Files.readAllBytes(out));
  }
}
