package org.distvault.prefetch.pbulk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.distvault.prefetch.deliver.Attempt;
import org.distvault.prefetch.deliver.Outcome;
import org.distvault.prefetch.source.SourceProblem;

/**
 * The log a marked package gets in pbulk's log directory: {@code ${bulklog}/PKGNAME/checksum.log}.
 * pbulk's own build writes the output of {@code make checksum} (which fetches) there, and its
 * report links the last phase log of a failed package, so this is where the reader of the report
 * looks for a fetch failure. The text names the package and variant, each distfile that could not
 * be prefetched with its reason and every URL tried, or the scan error, and says that distvault
 * kept the offline build from trying.
 */
final class PackageLog {
  /** pbulk's log name for the phase that fetches (pbulk scripts/pkg-build). */
  static final String NAME = "checksum.log";

  private PackageLog() {}

  /** The log's path for {@code pkgname} under {@code bulklog}. */
  static Path path(Path bulklog, String pkgname) {
    return bulklog.resolve(pkgname).resolve(NAME);
  }

  /** Writes the log (whole or not at all: beside it, then renamed), creating the package's directory. */
  static Path write(Path bulklog, FailedPackage p, Instant runStarted) throws IOException {
    Path file = path(bulklog, p.pkgname());
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + NAME + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(text(p, runStarted).getBytes(StandardCharsets.UTF_8));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  /** The log's text. */
  static String text(FailedPackage p, Instant runStarted) {
    StringBuilder b = new StringBuilder();
    b.append("distvault prefetch: ").append(p.pkgname())
        .append(" was marked failed before the build: what it needs is not in the distfile cache.\n\n");
    b.append("PKGNAME:       ").append(p.pkgname()).append('\n');
    b.append("PKGPATH:       ").append(p.ref().pkgpath()).append('\n');
    b.append("MULTI_VERSION: ").append(multiVersion(p)).append('\n');
    b.append("prefetch run:  ").append(runStarted).append("\n\n");
    for (Outcome o : p.distfiles()) {
      distfile(b, o);
    }
    for (SourceProblem e : p.scanErrors()) {
      b.append("Its scan (bmake show-vars with the variables above) could not say what it needs (")
          .append(e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')).append("):\n");
      for (String line : e.toString().strip().split("\n")) {
        b.append("    ").append(line).append('\n');
      }
      b.append('\n');
    }
    b.append("""
        The build runs without network access against the sealed cache, where a missing distfile
        can only fail the checksum phase without a reason. distvault refused to let the offline
        build try: it listed this package in meta/error before pbulk-build started, so pbulk
        counts it failed (and what depends on it indirect-failed) without building it. Fix the
        download (MASTER_SITES, distinfo, or put the file into the cache by hand), then rerun
        distvault prefetch.
        """);
    return b.toString();
  }

  private static void distfile(StringBuilder b, Outcome o) {
    b.append("Distfile ").append(o.entry().name().value()).append(" could not be prefetched: ").append(o.reason())
        .append('\n');
    o.entry().size().ifPresent(s -> b.append("  size:   ").append(s).append(" bytes\n"));
    o.entry().digests().toHexMap().forEach((alg, hex) -> b.append("  ").append(alg).append(": ").append(hex)
        .append('\n'));
    List<Attempt> attempts = o.attempts();
    Set<String> tried = new LinkedHashSet<>();
    if (!attempts.isEmpty()) {
      b.append("  URLs tried, in order:\n");
      for (Attempt a : attempts) {
        tried.add(a.url());
        b.append("    ").append(a.url()).append("\n      -> ").append(a.error()).append('\n');
      }
    }
    List<String> untried = o.entry().urls().stream().filter(u -> !tried.contains(u)).toList();
    if (!untried.isEmpty()) {
      b.append(attempts.isEmpty() ? "  URLs (none was tried to the end):\n" : "  URLs not tried:\n");
      untried.forEach(u -> b.append("    ").append(u).append('\n'));
    }
    if (o.entry().urls().isEmpty()) {
      b.append("  no URL is known for it (no MASTER_SITES, no MASTER_SITE_BACKUP)\n");
    }
    b.append('\n');
  }

  private static String multiVersion(FailedPackage p) {
    if (p.ref().multiVersion().isEmpty()) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder();
    p.ref().multiVersion().forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return b.toString();
  }
}
