package org.distvault.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.distvault.server.bench.DirectoryBlobSource;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fetch tools pkgsrc drives, run as real processes with the arguments {@code mk/fetch} gives
 * them, download from the serving routes, including a resumed download. A client whose binary is
 * missing is skipped (CI installs curl, wget and tnftp).
 */
class FetchClientsTest {
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

  @TempDir static Path dir;
  @TempDir Path downloads;
  static TestCorpus corpus;
  static HttpServing serving;

  @BeforeAll
  static void start() throws IOException {
    corpus = TestCorpus.create(dir.resolve("store"));
    serving = HttpServing.serve(
        DirectoryBlobSource.scan(corpus.root(), EnumSet.noneOf(DigestAlgorithm.class)), ServingConfig.loopback(0));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  /** Runs the client to completion (at most 60 s) and returns its combined output. */
  private String fetch(Client client, String path, Path out, boolean resume) throws Exception {
    assumeTrue(client.installed(), client.binary + " is not installed");
    String url = serving.baseUri().resolve(path).toString();
    assertEquals(serving.baseUri() + path.substring(1), url, "the URL must be used exactly as written");
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
        new String[] {"/distfiles/" + TestCorpus.PLAIN, TestCorpus.PLAIN},
        new String[] {"/distfiles/" + TestCorpus.SUBDIR, TestCorpus.SUBDIR},
        new String[] {"/pkg/databases/mysql/" + TestCorpus.MYSQL, TestCorpus.MYSQL},
        new String[] {"/pkg/www/firefox-l10n/" + TestCorpus.SUBDIR, TestCorpus.SUBDIR},
        new String[] {"/run/bulk-1/pkg/devel/plain/" + TestCorpus.PLAIN, TestCorpus.PLAIN});
    return Arrays.stream(Client.values()).flatMap(c -> routes.stream().map(r -> Arguments.of(c, r[0], r[1])));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("downloads")
  void clientDownloadsTheExactBytes(Client client, String path, String name) throws Exception {
    Path out = downloads.resolve("out.bin");
    fetch(client, path, out, false);
    assertArrayEquals(corpus.bytes(name), Files.readAllBytes(out));
    if (client == Client.CURL) {
      // --remote-time sets the file's time from Last-Modified.
      assertEquals(TestCorpus.STORED_AT.getEpochSecond(), Files.getLastModifiedTime(out).toInstant().getEpochSecond());
    }
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void clientResumesATruncatedDownloadWithItsResumeFlag(Client client) throws Exception {
    byte[] source = corpus.bytes(TestCorpus.PLAIN);
    int have = 100_000;
    // The partial file holds zeros where the source has random bytes: if the client fetched the
    // whole file again instead of resuming, the zeros would be gone.
    Path out = downloads.resolve(TestCorpus.PLAIN);
    Files.write(out, new byte[have]);
    String log = fetch(client, "/pkg/devel/plain/" + TestCorpus.PLAIN, out, true);
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
