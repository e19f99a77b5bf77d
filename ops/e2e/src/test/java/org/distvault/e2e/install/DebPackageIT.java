package org.distvault.e2e.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.distvault.e2e.JarServer;
import org.distvault.e2e.OpsPaths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that ops/deb builds: its control data, its files and lintian's verdict; then
 * installed on this machine with apt-get, started as its unit starts it (by systemd where systemd
 * runs, else the unit's command line as the distvault user), asked for /healthz, stopped, installed
 * again, removed and purged. Needs root, as CI has; it changes the machine: a package that is
 * purged again before and after, and the distvault user, which stays as Debian's system users do.
 */
class DebPackageIT {
  private static final String STATE = "/var/lib/distvault";
  private static final String UNIT = "/lib/systemd/system/distvault.service";
  private static final String ENV = "/etc/distvault/distvault.env";
  private static final Pattern CONTENTS_LINE = Pattern.compile("^(\\S+) (\\S+) +\\d+ \\S+ \\S+ \\./(.*)$");
  private static final Pattern LINTIAN_TAG = Pattern.compile("^([EWIPX]): distvault(?: \\w+)?: (\\S+)");
  /** Each is explained in docs/operations.md, "Installing the Debian package". */
  private static final Set<String> EXPLAINED_LINTIAN_TAGS = Set.of(
      "unknown-java-class-version",
      "arch-dep-package-has-big-usr-share",
      "package-supports-alternative-init-but-no-init.d-script",
      "systemd-service-file-missing-documentation-key");
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir static Path tmp;
  private static JarServer server;

  @BeforeAll
  static void rootAndNoDistvaultLeft() throws Exception {
    assertEquals("0", run("id", "-u").stdout().strip(), "installing a package needs root (CI runs as root)");
    purgeIfPresent();
    assertFalse(Files.exists(Path.of(STATE)), STATE + " exists but no distvault package owns it (ops/install.sh?): "
        + "the purge this test makes would delete it, so it stops here");
  }

  @AfterAll
  static void stopAndPurge() throws Exception {
    if (server != null) {
      server.close();
    }
    purgeIfPresent();
  }

  /** The one distvault_VERSION_ARCH.deb that ops/deb built. */
  private static Path deb() throws IOException {
    Path dir = Path.of(System.getProperty("distvault.deb.dir"));
    try (Stream<Path> debs = Files.list(dir)) {
      List<Path> found = debs.filter(p -> p.getFileName().toString().matches("distvault_.*\\.deb")).toList();
      assertEquals(1, found.size(), "one distvault_*.deb in " + dir + " (mvn -pl ops/deb package): " + found);
      return found.get(0);
    }
  }

  /** 0.1.0-SNAPSHOT is packaged as 0.1.0~snapshot, which sorts before the release 0.1.0. */
  private static String debVersion() {
    return System.getProperty("distvault.version").toLowerCase(Locale.ROOT).replaceFirst("-", "~");
  }

  @Test
  void controlDataNamesVersionArchitectureDependenciesAndConffiles() throws Exception {
    Path deb = deb();
    assertEquals("distvault_" + debVersion() + "_amd64.deb", deb.getFileName().toString());
    Map<String, String> expected = Map.of("Package", "distvault", "Version", debVersion(), "Architecture", "amd64",
        "Depends", "default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser",
        "Recommends", "logrotate", "Section", "net", "Priority", "optional");
    for (Map.Entry<String, String> field : expected.entrySet()) {
      assertEquals(field.getValue(), run("dpkg-deb", "--field", deb.toString(), field.getKey()).stdout().strip(), field.getKey());
    }
    Path control = tmp.resolve("control");
    assertEquals(0, run("dpkg-deb", "--control", deb.toString(), control.toString()).exit());
    assertEquals(ENV + "\n/etc/logrotate.d/distvault\n", Files.readString(control.resolve("conffiles")));
    for (String script : List.of("postinst", "prerm", "postrm")) {
      assertEquals("rwxr-xr-x", mode(control.resolve(script)), script);
      ProcessResult syntax = run("sh", "-n", control.resolve(script).toString());
      assertEquals(0, syntax.exit(), syntax.toString());
    }
    // Installed-Size (KiB) covers the jar.
    long installedKib = Long.parseLong(run("dpkg-deb", "--field", deb.toString(), "Installed-Size").stdout().strip());
    assertTrue(installedKib * 1024 >= Files.size(OpsPaths.jar()), "Installed-Size " + installedKib);
  }

  @Test
  void packageHoldsExactlyTheseFilesOwnedByRoot() throws Exception {
    ProcessResult contents = run("dpkg-deb", "--contents", deb().toString());
    assertEquals(0, contents.exit(), contents.toString());
    List<String> listed = new ArrayList<>();
    for (String line : contents.stdout().split("\n")) {
      Matcher m = CONTENTS_LINE.matcher(line);
      assertTrue(m.matches(), line);
      listed.add(m.group(1) + " " + m.group(2) + " /" + m.group(3));
    }
    String dir = "drwxr-xr-x root/root /";
    String file = "-rw-r--r-- root/root /";
    assertEquals(List.of(dir, dir + "etc/", dir + "etc/distvault/", file + "etc/distvault/distvault.env",
        dir + "etc/logrotate.d/", file + "etc/logrotate.d/distvault",
        dir + "lib/", dir + "lib/systemd/", dir + "lib/systemd/system/", file + "lib/systemd/system/distvault.service",
        dir + "usr/", dir + "usr/bin/", "-rwxr-xr-x root/root /usr/bin/distvault",
        dir + "usr/share/", dir + "usr/share/distvault/", file + "usr/share/distvault/distvault.jar",
        dir + "usr/share/doc/", dir + "usr/share/doc/distvault/", file + "usr/share/doc/distvault/changelog.gz",
        file + "usr/share/doc/distvault/copyright", dir + "usr/share/man/", dir + "usr/share/man/man1/",
        file + "usr/share/man/man1/distvault.1.gz"), listed);

    // What the files hold: the checkout's, with the installed paths and a weekly scrub.
    Path root = tmp.resolve("root");
    assertEquals(0, run("dpkg-deb", "--extract", deb().toString(), root.toString()).exit());
    assertArrayEquals(Files.readAllBytes(OpsPaths.jar()), Files.readAllBytes(root.resolve("usr/share/distvault/distvault.jar")));
    assertTrue(Files.readString(root.resolve("usr/bin/distvault"))
        .contains("\njar=${DISTVAULT_JAR:-/usr/share/distvault/distvault.jar}\n"));
    UnitFile unit = UnitFile.read(root.resolve(UNIT.substring(1)));
    assertTrue(unit.one("Service", "ExecStart").startsWith("/usr/bin/distvault serve "), unit.one("Service", "ExecStart"));
    assertEquals(ENV, unit.one("Service", "EnvironmentFile"));
    assertEquals(Files.readString(OpsPaths.ops().resolve("systemd/distvault.env"))
            .replace("\nDISTVAULT_SERVE_OPTS=\n", "\nDISTVAULT_SERVE_OPTS=\"--scrub-every 7d\"\n"),
        Files.readString(root.resolve(ENV.substring(1))));
    assertEquals(Files.readString(OpsPaths.ops().resolve("logrotate/distvault")),
        Files.readString(root.resolve("etc/logrotate.d/distvault")));
  }

  @Test
  void lintianReportsOnlyTheExplainedTags() throws Exception {
    Path lintian = Executables.require("lintian", "lintian");
    ProcessResult r = ProcessResult.run(tmp, Map.of(), 600,
        List.of(lintian.toString(), "--display-info", "--pedantic", deb().toString()));
    assertEquals(0, r.exit(), r.toString());
    Set<String> tags = new TreeSet<>();
    for (String line : r.stdout().split("\n")) {
      Matcher m = LINTIAN_TAG.matcher(line);
      if (m.find()) {
        assertFalse(m.group(1).equals("E"), line);
        tags.add(m.group(2));
      }
    }
    tags.removeAll(EXPLAINED_LINTIAN_TAGS);
    assertEquals(Set.of(), tags, "lintian tags no one explained:\n" + r.stdout());
  }

  /** Install, serve, install again, remove, purge: each step checked on the machine itself. */
  @Test
  void installServeReinstallRemovePurge() throws Exception {
    Path deb = deb();
    ProcessResult install = apt(deb.getParent(), "install", "./" + deb.getFileName());
    assertEquals(0, install.exit(), install.toString());
    assertEquals("install ok installed", status());
    // postinst's class archive for the clients' start (prerm deletes it: /usr/share/distvault goes on remove).
    assertFalse(install.stdout().contains("no class archive"), install.toString());
    assertTrue(Files.size(Path.of("/usr/share/distvault/distvault.jsa")) > 1 << 20);
    ProcessResult version = run("/usr/bin/distvault", "-V");
    assertEquals(0, version.exit(), version.toString());
    assertEquals("", version.stderr());

    // The system user, and the state directory only it may enter.
    String[] user = run("getent", "passwd", "distvault").stdout().strip().split(":");
    assertTrue(Integer.parseInt(user[2]) < 1000, "not a system user: " + String.join(":", user));
    assertEquals(STATE, user[5]);
    assertEquals("/usr/sbin/nologin", user[6]);
    for (String dir : List.of(STATE, STATE + "/data", STATE + "/native")) {
      PosixFileAttributes a = Files.readAttributes(Path.of(dir), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      assertEquals("distvault distvault rwxr-x---", a.owner().getName() + " " + a.group().getName() + " "
          + PosixFilePermissions.toString(a.permissions()), dir);
    }
    // Enabled: deb-systemd-helper links the unit also where systemd does not run.
    assertEquals(Path.of(UNIT), Files.readSymbolicLink(Path.of("/etc/systemd/system/multi-user.target.wants/distvault.service")));
    ProcessResult verify = run(Executables.require("systemd-analyze", "systemd").toString(), "verify", UNIT);
    assertEquals(0, verify.exit(), verify.toString());
    assertEquals("", verify.stdout() + verify.stderr(), verify.toString());
    ProcessResult rotate = run(Executables.require("logrotate", "logrotate").toString(), "--debug", "/etc/logrotate.d/distvault");
    assertEquals(0, rotate.exit(), rotate.toString());

    if (Files.isDirectory(Path.of("/run/systemd/system"))) {
      serveUnderSystemd();
    } else {
      serveAsTheUnitWould();
    }
    Path token = Path.of(STATE, "data/admin.token");
    assertEquals("rw-------", mode(token));
    byte[] tokenBytes = Files.readAllBytes(token);

    // Again (postinst configure with the old version): the user, the directories and the data stay.
    ProcessResult again = apt(deb.getParent(), "install", "--reinstall", "./" + deb.getFileName());
    assertEquals(0, again.exit(), again.toString());
    assertEquals(String.join(":", user), run("getent", "passwd", "distvault").stdout().strip());
    assertArrayEquals(tokenBytes, Files.readAllBytes(token));

    // remove: the programs go; settings and data stay.
    ProcessResult remove = apt(tmp, "remove", "distvault");
    assertEquals(0, remove.exit(), remove.toString());
    assertEquals("deinstall ok config-files", status());
    for (String gone : List.of("/usr/bin/distvault", "/usr/share/distvault", UNIT)) {
      assertFalse(Files.exists(Path.of(gone), LinkOption.NOFOLLOW_LINKS), gone);
    }
    assertTrue(Files.isRegularFile(Path.of(ENV)));
    assertArrayEquals(tokenBytes, Files.readAllBytes(token));

    // purge: settings, state and the unit's enablement go, and it says so; the user stays.
    ProcessResult purge = apt(tmp, "purge", "distvault");
    assertEquals(0, purge.exit(), purge.toString());
    assertTrue(purge.stdout().contains("distvault: purge removes /var/lib/distvault (blobs, catalog, admin token, logs)"),
        purge.toString());
    assertEquals("", status());
    for (String gone : List.of(STATE, "/etc/distvault", "/etc/logrotate.d/distvault",
        "/etc/systemd/system/multi-user.target.wants/distvault.service")) {
      assertFalse(Files.exists(Path.of(gone), LinkOption.NOFOLLOW_LINKS), gone);
    }
    assertEquals(0, run("getent", "passwd", "distvault").exit());
  }

  /** postinst started the unit: it answers on the listen address of the settings, and stops cleanly. */
  private static void serveUnderSystemd() throws Exception {
    String listen = UnitFile.read(Path.of(ENV)).one(UnitFile.NO_SECTION, "DISTVAULT_LISTEN");
    URI health = URI.create("http://" + listen + "/healthz");
    Instant deadline = Instant.now().plus(START);
    HttpResponse<String> answer = null;
    while (answer == null && Instant.now().isBefore(deadline)) {
      try {
        answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException notYet) {
        Thread.sleep(500);
      }
    }
    if (answer == null) {
      fail(health + " did not answer within " + START.toSeconds() + " s:\n"
          + run("systemctl", "status", "--no-pager", "distvault").stdout());
    }
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("active", run("systemctl", "is-active", "distvault").stdout().strip());
    ProcessResult stop = run("systemctl", "stop", "distvault");
    assertEquals(0, stop.exit(), stop.toString());
    // SuccessExitStatus=143: a drained stop is no failure.
    assertEquals("inactive", run("systemctl", "is-active", "distvault").stdout().strip());
  }

  /**
   * No systemd: the unit's ExecStartPre and ExecStart with its environment and the installed
   * settings, run as its User= with its UMask= (setpriv execs, so the JVM is the child, as under
   * systemd; runuser would stay in between and forward SIGTERM). Only the port is the system's choice.
   */
  private static void serveAsTheUnitWould() throws Exception {
    UnitFile unit = UnitFile.read(Path.of(UNIT));
    Map<String, String> env = unit.environment(UnitFile.read(Path.of(unit.one("Service", "EnvironmentFile"))));
    env.put("DISTVAULT_LISTEN", "127.0.0.1:0");
    List<String> asUser = List.of("setpriv", "--reuid=distvault", "--regid=distvault", "--init-groups", "--",
        "/bin/sh", "-c", "umask " + unit.one("Service", "UMask") + " && cd / && exec \"$@\"", "sh");
    List<String> pre = new ArrayList<>(asUser);
    pre.addAll(UnitFile.expand(unit.one("Service", "ExecStartPre"), env));
    ProcessResult preRun = ProcessResult.run(tmp, env, 60, pre);
    assertEquals(0, preRun.exit(), preRun.toString());
    List<String> command = new ArrayList<>(asUser);
    List<String> execStart = UnitFile.expand(unit.one("Service", "ExecStart"), env);
    assertEquals(List.of("/usr/bin/distvault", "serve", "--data", STATE + "/data", "--listen", "127.0.0.1:0",
        "--drain-timeout", "30", "--scrub-every", "7d"), execStart);
    command.addAll(execStart);
    server = JarServer.launch(command, env, tmp.resolve("serve.stderr"));
    assertEquals(200, server.health().statusCode(), server.stderr());
    assertEquals("{\"status\":\"ok\",\"mode\":\"online\",\"blobs\":0}", server.health().body().strip());
    assertEquals("distvault", server.handle().info().user().orElseThrow());
    try (Stream<Path> natives = Files.list(Path.of(STATE, "native"))) {
      assertTrue(natives.anyMatch(p -> p.getFileName().toString().startsWith("librocksdbjni")), server.stderr());
    }
    assertEquals(unit.one("Service", "SuccessExitStatus"), Integer.toString(server.terminate()), server.stderr());
    server = null;
  }

  /** dpkg's status of distvault ("install ok installed", ...), or "" when dpkg knows no such package. */
  private static String status() throws Exception {
    ProcessResult r = run("dpkg-query", "--show", "--showformat=${Status}", "distvault");
    String status = r.stdout().strip();
    return r.exit() == 0 && !status.endsWith(" not-installed") ? status : "";
  }

  private static void purgeIfPresent() throws Exception {
    if (!status().isEmpty()) {
      ProcessResult purge = apt(tmp, "purge", "distvault");
      assertEquals(0, purge.exit(), purge.toString());
    }
  }

  /** apt-get, non-interactive, waiting up to two minutes for another apt or dpkg to finish. */
  private static ProcessResult apt(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("apt-get", "-y", "-o", "DPkg::Lock::Timeout=120"));
    command.addAll(List.of(args));
    return ProcessResult.run(dir, Map.of("DEBIAN_FRONTEND", "noninteractive"), 600, command);
  }

  private static ProcessResult run(String... command) throws Exception {
    return ProcessResult.run(tmp, command);
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }
}
