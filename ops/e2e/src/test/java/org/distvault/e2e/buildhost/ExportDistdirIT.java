package org.distvault.e2e.buildhost;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.distvault.e2e.DistinfoTree;
import org.distvault.e2e.Exec;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.distvault.e2e.StaticFileServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed set exported with {@code distvault export} is a DISTDIR a plain pkgsrc build uses
 * without distvault: a pkgsrc tree (the fixture's mk/, real bmake) whose packages fetch from a
 * loopback upstream is prefetched into set {@value #SET} with {@code prefetch --pkgsrc}, sealed and
 * exported; the server is stopped; then {@code bmake fetch checksum DISTDIR=EXPORT} in each package
 * fetches nothing (the upstream sees no request) and every BLAKE2s and SHA512 line of distinfo
 * verifies. The same run against a damaged copy of the export fails where it must: a missing file
 * is fetched from upstream, a changed one fails the checksum.
 */
@Timeout(300)
class ExportDistdirIT {
  static final String SET = "2026Q4";
  /** PKGPATH → distfiles (with DIST_SUBDIR where the package has one). */
  private static final Map<String, List<String>> PACKAGES = new LinkedHashMap<>();

  static {
    PACKAGES.put("devel/alpha", List.of("alpha-1.0.tar.gz", "alpha-1.0-fix.diff.gz"));
    PACKAGES.put("games/sounds", List.of("sounds-2.0/sounds-2.0.tar.gz", "sounds-2.0/voices=en.zip"));
    PACKAGES.put("net/tool", List.of("tool-3.1.tar.gz"));
  }

  @TempDir static Path dir;
  private static StaticFileServer upstream;
  private static Path tree;
  private static Path export;
  private static final Map<String, byte[]> CONTENT = new LinkedHashMap<>();

  @BeforeAll
  static void exportASealedSet() throws Exception {
    Path site = dir.resolve("upstream");
    upstream = StaticFileServer.start(site);
    tree = tree(dir.resolve("pkgsrc"), site);
    export = dir.resolve("export");
    try (JarServer server = JarServer.start(dir.resolve("data"), dir, "--no-upstream")) {
      String token = dir.resolve("data/admin.token").toString();
      distvault("prefetch", "--server", server.url(), "--token-file", token, "--set", SET,
          "--pkgsrc", tree.toString(), "--report", dir.resolve("prefetch.json").toString());
      distvault("seal", SET, "--server", server.url(), "--token-file", token, "--reason", "ExportDistdirIT");
      distvault("export", SET, "--server", server.url(), "--token-file", token, "--to", export.toString());
    }
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void aPlainBuildFetchesNothingAndEveryDigestOfDistinfoVerifies() throws Exception {
    int before = upstream.requests().size();
    for (Map.Entry<String, List<String>> p : PACKAGES.entrySet()) {
      Exec.Result r = bmake(p.getKey(), export).expect(0);
      for (String name : p.getValue()) {
        assertTrue(r.stdout().contains("=> Checksum BLAKE2s OK for " + name + "\n"), r.toString());
        assertTrue(r.stdout().contains("=> Checksum SHA512 OK for " + name + "\n"), r.toString());
        assertArrayEquals(CONTENT.get(name), Files.readAllBytes(export.resolve(name)), name);
      }
    }
    assertEquals(before, upstream.requests().size(), upstream.requests().toString());
    try (Stream<Path> files = Files.walk(export)) {
      // Nothing was added to the export: the fetch phase found every file in place.
      assertEquals(List.of(".distvault/manifest.jsonl", ".distvault/seal.json", "alpha-1.0-fix.diff.gz",
              "alpha-1.0.tar.gz", "sounds-2.0/sounds-2.0.tar.gz", "sounds-2.0/voices=en.zip", "tool-3.1.tar.gz"),
          files.filter(Files::isRegularFile).map(f -> export.relativize(f).toString()).sorted().toList());
    }
  }

  @Test
  void aMissingFileIsFetchedFromUpstreamAndAChangedOneFailsTheChecksum() throws Exception {
    Path damaged = dir.resolve("damaged");
    copy(export, damaged);
    Files.delete(damaged.resolve("alpha-1.0.tar.gz"));
    byte[] changed = Files.readAllBytes(damaged.resolve("sounds-2.0/voices=en.zip"));
    changed[3] ^= 1;
    Files.write(damaged.resolve("sounds-2.0/voices=en.zip"), changed);

    int before = upstream.requests().size();
    Exec.Result alpha = bmake("devel/alpha", damaged).expect(0);
    assertTrue(alpha.stdout().contains("=> Checksum SHA512 OK for alpha-1.0.tar.gz\n"), alpha.toString());
    List<String> requests = upstream.requests().subList(before, upstream.requests().size());
    assertEquals(1, requests.size(), requests.toString());
    assertTrue(requests.get(0).contains(" GET /alpha/alpha-1.0.tar.gz 200"), requests.toString());

    Exec.Result sounds = bmake("games/sounds", damaged);
    assertEquals(1, sounds.exit(), sounds.toString());
    assertTrue(sounds.stderr().contains("checksum: Checksum BLAKE2s mismatch for sounds-2.0/voices=en.zip\n"),
        sounds.toString());
    assertEquals(before + 1, upstream.requests().size(), upstream.requests().toString());
  }

  /** {@code bmake fetch checksum} in PKGPATH with DISTDIR and no backup site, as a build host runs it. */
  private static Exec.Result bmake(String pkgpath, Path distdir) throws IOException, InterruptedException {
    return Exec.of("bmake", "fetch", "checksum", "DISTDIR=" + distdir, "MASTER_SITE_BACKUP=")
        .in(tree.resolve(pkgpath)).timeout(Duration.ofSeconds(60)).run();
  }

  private static void distvault(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OpsPaths.java().toString(), "-jar", OpsPaths.jar().toString()));
    command.addAll(List.of(args));
    Exec.of(command).in(dir).timeout(Duration.ofSeconds(120)).run().expect(0);
  }

  /**
   * The fixture's mk/ and three packages whose sites are the loopback upstream: a distfile and a
   * patch file from two sites; DIST_SUBDIR with a name holding '=' and its own SITES variable; a
   * plain one. Each distinfo has BLAKE2s, SHA512 and Size lines (BLAKE2s by openssl, which
   * prefetch's own BLAKE2s then agrees with).
   */
  private static Path tree(Path root, Path site) throws IOException, InterruptedException {
    copy(OpsPaths.ops().resolve("../prefetch-tool/src/test/resources/pkgsrc-fixture/mk").normalize(),
        root.resolve("mk"));
    String url = upstream.url();
    makefile(root, "devel/alpha", "DISTNAME=\talpha-1.0\nMASTER_SITES=\t" + url + "alpha/\n"
        + "PATCHFILES=\talpha-1.0-fix.diff.gz\nPATCH_SITES=\t" + url + "patches/\n");
    makefile(root, "games/sounds", "DISTNAME=\tsounds-2.0\nDIST_SUBDIR=\tsounds-2.0\nMASTER_SITES=\t" + url
        + "sounds/\nDISTFILES=\t${DISTNAME}${EXTRACT_SUFX} voices=en.zip\nSITES.voices--en.zip=\t" + url + "voices/\n");
    makefile(root, "net/tool", "DISTNAME=\ttool-3.1\nMASTER_SITES=\t" + url + "tool/\n");
    Map<String, String> upstreamDir = Map.of("alpha-1.0.tar.gz", "alpha", "alpha-1.0-fix.diff.gz", "patches",
        "sounds-2.0/sounds-2.0.tar.gz", "sounds", "sounds-2.0/voices=en.zip", "voices", "tool-3.1.tar.gz", "tool");
    for (Map.Entry<String, List<String>> p : PACKAGES.entrySet()) {
      StringBuilder distinfo = new StringBuilder("$NetBSD$\n\n");
      for (String name : p.getValue()) {
        byte[] bytes = ("distfile " + name + " of " + p.getKey() + "\n").repeat(1 + name.length() * 97)
            .getBytes(UTF_8);
        CONTENT.put(name, bytes);
        Path file = site.resolve(upstreamDir.get(name)).resolve(name.substring(name.lastIndexOf('/') + 1));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        distinfo.append("BLAKE2s (").append(name).append(") = ").append(blake2s(file)).append('\n')
            .append("SHA512 (").append(name).append(") = ").append(DistinfoTree.sha512(bytes)).append('\n')
            .append("Size (").append(name).append(") = ").append(bytes.length).append(" bytes\n");
      }
      Files.writeString(root.resolve(p.getKey()).resolve("distinfo"), distinfo);
    }
    Files.writeString(root.resolve("Makefile"), "SUBDIR+=\tdevel\nSUBDIR+=\tgames\nSUBDIR+=\tnet\n\n"
        + ".include \"mk/bsd.pkg.subdir.mk\"\n");
    for (String category : List.of("devel", "games", "net")) {
      String subdirs = PACKAGES.keySet().stream().filter(k -> k.startsWith(category + "/"))
          .map(k -> "SUBDIR+=\t" + k.substring(category.length() + 1) + "\n").reduce("", String::concat);
      Files.writeString(root.resolve(category).resolve("Makefile"), subdirs + "\n.include \"../mk/misc/category.mk\"\n");
    }
    return root;
  }

  private static void makefile(Path root, String pkgpath, String body) throws IOException {
    Path pkg = Files.createDirectories(root.resolve(pkgpath));
    Files.writeString(pkg.resolve("Makefile"), body + "\n.include \"../../mk/bsd.pkg.mk\"\n");
  }

  private static String blake2s(Path file) throws IOException, InterruptedException {
    Exec.Result r = Exec.of("openssl", "dgst", "-blake2s256", "-r", file.toString())
        .timeout(Duration.ofSeconds(30)).run().expect(0);
    return r.stdout().substring(0, 64);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
