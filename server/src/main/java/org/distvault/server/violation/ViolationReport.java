package org.distvault.server.violation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.distvault.storage.name.SetName;
import org.distvault.storage.vault.Vault;

/**
 * Violations grouped per package, for the bulk build report: each PKGPATH with the distfiles it
 * missed, how often, why, and from which clients.
 *
 * <p>A violation is counted under the PKGPATH of its URL, else under each package whose manifest
 * lists the name, else under {@link #UNATTRIBUTED}. Packages and names are sorted. Build it with
 * {@link #builder}; not thread-safe while building, immutable after.
 *
 * @param run the run the report is restricted to, if any
 * @param set the source set the report is restricted to, if any
 * @param violations how many violations were counted
 * @param truncated whether the scan stopped at its limit before the end of the log
 * @param packages the packages, sorted by PKGPATH
 */
public record ViolationReport(
    Optional<String> run, Optional<SetName> set, long violations, boolean truncated, List<Package> packages) {
  /** The pseudo-PKGPATH of violations no package is known for. */
  public static final String UNATTRIBUTED = "(no package)";

  public ViolationReport {
    packages = List.copyOf(packages);
  }

  /** One package's missed distfiles, sorted by name. */
  public record Package(String pkgpath, List<Distfile> distfiles) {
    public Package {
      distfiles = List.copyOf(distfiles);
    }
  }

  /**
   * One missed distfile of a package.
   *
   * @param kind the kind of its latest violation
   * @param count how many violations
   * @param reason the reason of its latest violation
   * @param clients the client addresses that asked, sorted
   */
  public record Distfile(String name, ViolationKind kind, long count, String reason, List<String> clients) {
    public Distfile {
      clients = List.copyOf(clients);
    }
  }

  /** A report of the violations of {@code run} and of {@code set}; empty for all runs or sets. */
  public static Builder builder(Optional<String> run, Optional<SetName> set) {
    return new Builder(run, set);
  }

  /**
   * The report of {@code run} and {@code set} over the recorded violations, read in pages from the
   * oldest; it stops after {@code maxScan} entries and is then truncated.
   */
  public static ViolationReport scan(ViolationRecorder violations, Optional<String> run, Optional<SetName> set,
      int maxScan) {
    Builder b = builder(run, set);
    long after = 0;
    int scanned = 0;
    while (scanned < maxScan) {
      List<Violation> page = violations.read(after, Math.min(Vault.MAX_PAGE, maxScan - scanned));
      if (page.isEmpty()) {
        return b.build(false);
      }
      for (Violation v : page) {
        b.add(v);
        after = v.cursor();
      }
      scanned += page.size();
    }
    return b.build(after < violations.lastCursor());
  }

  /** Human-readable text, one package per block. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("distvault violations report")
        .append(run.map(r -> " for run " + r).orElse(""))
        .append(set.map(s -> " in set " + s).orElse(""))
        .append(": ").append(violations).append(violations == 1 ? " violation, " : " violations, ")
        .append(packages.size()).append(packages.size() == 1 ? " package" : " packages")
        .append(truncated ? " (truncated: the log is longer than one report reads)" : "")
        .append('\n');
    for (Package p : packages) {
      b.append('\n').append(p.pkgpath()).append('\n');
      for (Distfile d : p.distfiles()) {
        b.append("  ").append(d.name()).append("  ").append(d.kind().wireName())
            .append("  x").append(d.count()).append("  ").append(d.reason())
            .append("  [clients: ").append(String.join(", ", d.clients())).append("]\n");
      }
    }
    return b.toString();
  }

  /** Accumulates violations into a report. */
  public static final class Builder {
    private final Optional<String> run;
    private final Optional<SetName> set;
    private final Map<String, Map<String, Acc>> byPackage = new TreeMap<>();
    private long count;

    private Builder(Optional<String> run, Optional<SetName> set) {
      this.run = run;
      this.set = set;
    }

    /** Counts {@code v} unless the report is for another run or another set. */
    public Builder add(Violation v) {
      if (run.isPresent() && !run.equals(v.run())) {
        return this;
      }
      if (set.isPresent() && !set.get().equals(v.set())) {
        return this;
      }
      count++;
      List<String> blamed = v.blamed().isEmpty() ? List.of(UNATTRIBUTED) : v.blamed();
      for (String pkg : blamed) {
        byPackage.computeIfAbsent(pkg, k -> new TreeMap<>())
            .computeIfAbsent(v.name(), k -> new Acc())
            .add(v);
      }
      return this;
    }

    public ViolationReport build(boolean truncated) {
      List<Package> packages = new ArrayList<>();
      byPackage.forEach((pkg, names) -> {
        List<Distfile> distfiles = new ArrayList<>();
        names.forEach((name, acc) ->
            distfiles.add(new Distfile(name, acc.kind, acc.count, acc.reason, List.copyOf(acc.clients))));
        packages.add(new Package(pkg, distfiles));
      });
      return new ViolationReport(run, set, count, truncated, packages);
    }
  }

  private static final class Acc {
    ViolationKind kind;
    String reason;
    long count;
    final SortedSet<String> clients = new TreeSet<>();

    void add(Violation v) {
      kind = v.kind();
      reason = v.reason();
      count++;
      clients.add(v.client());
    }
  }
}
