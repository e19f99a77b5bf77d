package org.distvault.e2e.buildhost;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distvault.e2e.DistinfoTree;
import org.distvault.e2e.Exec;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.StaticFileServer;

/**
 * A distvault cache on loopback (the real jar, online, without read-through) filled by the real
 * prefetch from a loopback upstream: {@code devel/libfoo} {@code libfoo-1.0.tar.gz} and
 * {@code games/sounds} {@code sounds-2.0/voices=en.zip} (a DIST_SUBDIR name).
 */
final class LoopbackCache implements AutoCloseable {
  static final String LIBFOO = "libfoo-1.0.tar.gz";
  static final String VOICES = "sounds-2.0/voices=en.zip";

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  final StaticFileServer upstream;
  final JarServer cache;
  final DistinfoTree distfiles;
  private final Path dir;

  private LoopbackCache(StaticFileServer upstream, JarServer cache, DistinfoTree distfiles, Path dir) {
    this.upstream = upstream;
    this.cache = cache;
    this.distfiles = distfiles;
    this.dir = dir;
  }

  static LoopbackCache start(Path dir) throws IOException, InterruptedException {
    DistinfoTree distfiles = new DistinfoTree(dir.resolve("tree"), dir.resolve("upstream/dist"));
    distfiles.add("devel/libfoo", LIBFOO, 300_000, true);
    distfiles.add("games/sounds", VOICES, 50_000, true);
    StaticFileServer upstream = StaticFileServer.start(dir.resolve("upstream"));
    JarServer cache = null;
    try {
      cache = JarServer.start(dir.resolve("data"), dir, "--no-upstream");
      LoopbackCache lab = new LoopbackCache(upstream, cache, distfiles, dir);
      lab.prefetch(List.of(), distfiles, dir.resolve("prefetch.json"));
      return lab;
    } catch (IOException | RuntimeException | Error e) {
      upstream.close();
      if (cache != null) {
        cache.close();
      }
      throw e;
    }
  }

  /**
   * Runs the real {@code distvault prefetch} of TREE's distfiles from the loopback upstream, with
   * EXTRA arguments such as {@code --set NAME}.
   */
  void prefetch(List<String> extra, DistinfoTree tree, Path report) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString(),
        "prefetch", "--server", cache.url(), "--token-file", token().toString(),
        "--distinfo", tree.tree().toString(), "--site", upstream.url() + "dist/", "--report", report.toString()));
    command.addAll(extra);
    Exec.of(command).timeout(Duration.ofSeconds(120)).run().expect(0);
  }

  /** Runs the real {@code distvault seal SET}; returns what it prints (the seal JSON). */
  String seal(String set) throws IOException, InterruptedException {
    Exec.Result r = Exec.of(OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString(), "seal", set,
            "--server", cache.url(), "--token-file", token().toString(), "--reason", "DistvaultFetchTest")
        .timeout(Duration.ofSeconds(60)).run();
    r.expect(0);
    return r.stdout();
  }

  /** {@code GET PATH} (relative to the cache's URL, e.g. {@code api/v1/violations?set=x}) with the admin token. */
  HttpResponse<String> admin(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(cache.url() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + Files.readAllLines(token()).get(0)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Path token() {
    return dir.resolve("data/admin.token");
  }

  /** The cache's {@code /pkg/PKGPATH/NAME} URL. */
  String pkgUrl(String pkgpath, String name) {
    return cache.url() + "pkg/" + pkgpath + "/" + name;
  }

  /** Runs {@code ops/pkgsrc/distvault-fetch ARGS...} in DIR with sh, as pkgsrc would. */
  static Exec fetchWrapper(Path dir, List<String> args) {
    List<String> command = new java.util.ArrayList<>(
        List.of("/bin/sh", OpsPaths.ops().resolve("pkgsrc/distvault-fetch").toString()));
    command.addAll(args);
    return Exec.of(command).in(dir).timeout(Duration.ofSeconds(60));
  }

  static byte[] read(Path file) throws IOException {
    return Files.readAllBytes(file);
  }

  @Override
  public void close() {
    upstream.close();
    cache.close();
  }
}
