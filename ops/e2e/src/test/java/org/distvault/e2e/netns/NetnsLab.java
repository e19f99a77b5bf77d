package org.distvault.e2e.netns;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distvault.e2e.Exec;

/**
 * Four Linux network namespaces wired like a bulk-build site, made by the test and deleted by
 * {@link #close()}: {@code up} (upstream distfile sites), {@code fetch} (the operator's fetch host,
 * reaching upstream and the cache), {@code cache} (distvault) and {@code build} (a build host
 * whose only link and only route lead to the cache). The cache does not forward packets.
 *
 * <pre>
 *   up 10.213.1.1/30 ─── 10.213.1.2 fetch 10.213.2.1/30 ─── 10.213.2.2 cache 10.213.3.1/30 ─── 10.213.3.2 build
 * </pre>
 *
 * <p>Names are {@code dv-<pid>-<role>}, so concurrent runs never meet; namespaces of runs whose
 * JVM is gone are deleted at creation. Addresses exist only inside these namespaces.
 */
final class NetnsLab implements AutoCloseable {
  static final List<String> ROLES = List.of("up", "fetch", "cache", "build");
  static final String UPSTREAM = "10.213.1.1";
  static final String FETCH_TO_UP = "10.213.1.2";
  static final String FETCH = "10.213.2.1";
  static final String CACHE_TO_FETCH = "10.213.2.2";
  static final String CACHE = "10.213.3.1";
  static final String BUILD = "10.213.3.2";

  private static final Pattern OURS = Pattern.compile("^dv-(\\d+)-(?:up|fetch|cache|build)\\b.*");
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private final String prefix;

  private NetnsLab(String prefix) {
    this.prefix = prefix;
  }

  /** Checks root and {@code ip netns}, removes stale namespaces, and builds the four. */
  static NetnsLab create() throws IOException, InterruptedException {
    Exec.Result uid = Exec.of("id", "-u").run();
    if (!uid.stdout().strip().equals("0")) {
      fail("the network-namespace proof needs root (CI runs as root); running as uid " + uid.stdout().strip());
    }
    Exec.Result list = Exec.of("ip", "netns", "list").timeout(LIMIT).run();
    if (list.exit() != 0) {
      fail("`ip netns` is not usable here (iproute2 with network namespace support is needed): " + list);
    }
    removeStale(list.stdout());
    NetnsLab lab = new NetnsLab("dv-" + ProcessHandle.current().pid());
    try {
      lab.build();
      return lab;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  /** Deletes dv-PID-* namespaces whose PID is no longer a running process (crashed runs). */
  private static void removeStale(String netnsList) throws IOException, InterruptedException {
    for (String line : netnsList.split("\n")) {
      Matcher m = OURS.matcher(line);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        deleteNamespace(line.split(" ")[0]);
      }
    }
  }

  private void build() throws IOException, InterruptedException {
    for (String role : ROLES) {
      ip("netns", "add", name(role));
      ip("-n", name(role), "link", "set", "lo", "up");
    }
    link("up", "eth0", UPSTREAM, "fetch", "up0", FETCH_TO_UP);
    link("fetch", "cache0", FETCH, "cache", "fetch0", CACHE_TO_FETCH);
    link("cache", "build0", CACHE, "build", "eth0", BUILD);
    // The fetch host reaches the cache's service address (on its build-side link) through the
    // fetch link; the cache answers from it without forwarding anything.
    ip("-n", name("fetch"), "route", "add", CACHE + "/32", "via", CACHE_TO_FETCH);
  }

  /** A veth pair from namespace A (interface IA, address AA/30) to B (IB, AB/30), both up. */
  private void link(String a, String ia, String aa, String b, String ib, String ab)
      throws IOException, InterruptedException {
    ip("-n", name(a), "link", "add", ia, "type", "veth", "peer", "name", ib, "netns", name(b));
    ip("-n", name(a), "addr", "add", aa + "/30", "dev", ia);
    ip("-n", name(b), "addr", "add", ab + "/30", "dev", ib);
    ip("-n", name(a), "link", "set", ia, "up");
    ip("-n", name(b), "link", "set", ib, "up");
  }

  /** The namespace name of ROLE, e.g. {@code dv-4711-build}. */
  String name(String role) {
    return prefix + "-" + role;
  }

  /** The command prefix that runs a program in ROLE's namespace. */
  List<String> in(String role) {
    return List.of("ip", "netns", "exec", name(role));
  }

  /** Runs COMMAND in ROLE's namespace (30 s limit). */
  Exec.Result run(String role, String... command) throws IOException, InterruptedException {
    return Exec.prefixed(in(role), List.of(command)).timeout(LIMIT).run();
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Exec.of(command).timeout(LIMIT).run().expect(0);
  }

  /** Kills whatever still runs in the namespace (only what this test started), then deletes it. */
  private static void deleteNamespace(String name) throws IOException, InterruptedException {
    Exec.Result pids = Exec.of("ip", "netns", "pids", name).timeout(LIMIT).run();
    for (String pid : pids.stdout().split("\\s+")) {
      if (!pid.isEmpty()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    Exec.of("ip", "netns", "del", name).timeout(LIMIT).run();
  }

  /** Deletes the four namespaces (and with them the veth pairs); never throws for a missing one. */
  @Override
  public void close() throws IOException, InterruptedException {
    for (String role : ROLES) {
      deleteNamespace(name(role));
    }
  }
}
