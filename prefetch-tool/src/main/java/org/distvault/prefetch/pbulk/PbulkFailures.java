package org.distvault.prefetch.pbulk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.run.PrefetchReport;
import org.distvault.prefetch.source.PackageRef;
import org.distvault.prefetch.source.PresolveRecord;
import org.distvault.prefetch.source.Requesters;
import org.distvault.prefetch.source.SourceProblem;

/**
 * Finds the presolve packages that must not be built offline, from the scan's {@link Requesters}
 * and the prefetch report.
 *
 * <p>A failed distfile marks exactly the packages (multi-version variants apart) whose scan asked
 * for its content: when py312-thing needs {@code thing-compat-py312.tar.gz} and py311-thing does
 * not, only py312-thing is marked. Should the report carry an entry the scan did not produce (no
 * requester known), every record of the entry's PKGPATHs is marked: better a package too many
 * than an offline build that fails without its reason. A package whose own scan had an error (its
 * bmake failed or timed out, a distfile without a usable checksum) is marked too: distvault
 * cannot tell what it needs, so nothing says its build has what it needs. Notes (PKG_FAIL_REASON,
 * PKG_SKIP_REASON) mark nothing: pbulk prefails those itself.
 *
 * <p>Stateless.
 */
public final class PbulkFailures {
  private PbulkFailures() {}

  /** The failed packages, in presolve order. */
  public static List<FailedPackage> find(List<PresolveRecord> records, Requesters requesters, PrefetchReport report) {
    Map<String, Collected> byName = new LinkedHashMap<>();
    Map<PackageRef, List<Collected>> byRef = new HashMap<>();
    Map<String, List<Collected>> byPkgpath = new HashMap<>();
    for (PresolveRecord r : records) {
      if (!byName.containsKey(r.pkgname())) {
        Collected c = new Collected(r);
        byName.put(r.pkgname(), c);
        byRef.computeIfAbsent(r.ref(), k -> new ArrayList<>()).add(c);
        byPkgpath.computeIfAbsent(r.ref().pkgpath(), k -> new ArrayList<>()).add(c);
      }
    }
    for (Outcome o : report.failures()) {
      Set<PackageRef> refs = requesters.of(o.entry());
      if (refs.isEmpty()) {
        o.entry().pkgpaths().forEach(p -> byPkgpath.getOrDefault(p, List.of()).forEach(c -> c.distfiles.add(o)));
      } else {
        refs.forEach(ref -> byRef.getOrDefault(ref, List.of()).forEach(c -> c.distfiles.add(o)));
      }
    }
    for (Collected c : byName.values()) {
      c.scanErrors.addAll(requesters.errors().getOrDefault(c.record.ref(), List.of()));
    }
    List<FailedPackage> out = new ArrayList<>();
    for (Collected c : byName.values()) {
      if (!c.distfiles.isEmpty() || !c.scanErrors.isEmpty()) {
        out.add(new FailedPackage(c.record.pkgname(), c.record.ref(), c.distfiles, c.scanErrors));
      }
    }
    return out;
  }

  /** What one presolve record collects. */
  private static final class Collected {
    final PresolveRecord record;
    final List<Outcome> distfiles = new ArrayList<>();
    final List<SourceProblem> scanErrors = new ArrayList<>();

    Collected(PresolveRecord record) {
      this.record = record;
    }
  }
}
