package org.distvault.e2e.buildhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  final StaticFileServer upstream;
  final JarServer cache;
  final DistinfoTree distfiles;

  private LoopbackCache(StaticFileServer upstream, JarServer cache, DistinfoTree distfiles) {
    this.upstream = upstream;
    this.cache = cache;
    this.distfiles = distfiles;
  }

  static LoopbackCache start(Path dir) throws IOException, InterruptedException {
    DistinfoTree distfiles = new DistinfoTree(dir.resolve("tree"), dir.resolve("upstream/dist"));
    distfiles.add("devel/libfoo", LIBFOO, 300_000, true);
    distfiles.add("games/sounds", VOICES, 50_000, true);
    StaticFileServer upstream = StaticFileServer.start(dir.resolve("upstream"));
    JarServer cache = null;
    try {
      cache = JarServer.start(dir.resolve("data"), dir, "--no-upstream");
      Exec.of(OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString(), "prefetch",
              "--server", cache.url(), "--token-file", dir.resolve("data/admin.token").toString(),
              "--distinfo", distfiles.tree().toString(), "--site", upstream.url() + "dist/",
              "--report", dir.resolve("prefetch.json").toString())
          .timeout(Duration.ofSeconds(120)).run().expect(0);
      return new LoopbackCache(upstream, cache, distfiles);
    } catch (IOException | RuntimeException | Error e) {
      upstream.close();
      if (cache != null) {
        cache.close();
      }
      throw e;
    }
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
