package org.distvault.server.violation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distvault.storage.name.SetName;

/**
 * One violation, as recorded: a miss through a sealed set or an offline server (who asked for what,
 * in which set, and why it was not there), or an
 * egress attempt refused by the trap proxy (who tried to reach which host).
 *
 * @param cursor the position in the violations log; 0 until recorded
 * @param time when the miss was answered
 * @param kind why nothing was served
 * @param path the request path exactly as sent
 * @param name the distfile name as sent (for {@code /by-hash/}: {@code by-hash/<alg>/<hex>})
 * @param pkgpath the PKGPATH of a {@code /pkg/} URL
 * @param pkgpaths the packages whose manifests list the name (sorted; empty when unknown)
 * @param set the source set the request looked in ({@code /set/<set>/}); {@link SetName#DEFAULT} for
 *     the routes without one, {@code /by-hash/} and egress violations
 * @param run the bulk-build run id of a {@code /run/<id>/} URL
 * @param client the client's IP address
 * @param userAgent the {@code User-Agent} header
 * @param method the request method
 * @param reason one line saying why the file is missing (e.g. the prefetch failure)
 * @param egress the target of an {@link ViolationKind#EGRESS} violation; empty for the others
 */
public record Violation(
    long cursor,
    Instant time,
    ViolationKind kind,
    String path,
    String name,
    Optional<String> pkgpath,
    List<String> pkgpaths,
    SetName set,
    Optional<String> run,
    String client,
    Optional<String> userAgent,
    String method,
    String reason,
    Optional<Egress> egress) {

  public Violation {
    if (cursor < 0) {
      throw new IllegalArgumentException("negative cursor " + cursor);
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pkgpath, "pkgpath");
    pkgpaths = List.copyOf(pkgpaths);
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(egress, "egress");
    if (egress.isPresent() != (kind == ViolationKind.EGRESS)) {
      throw new IllegalArgumentException("an egress target goes with kind egress and only with it, got " + kind);
    }
  }

  /** A violation of a distfile route (no egress target). */
  public Violation(long cursor, Instant time, ViolationKind kind, String path, String name,
      Optional<String> pkgpath, List<String> pkgpaths, SetName set, Optional<String> run, String client,
      Optional<String> userAgent, String method, String reason) {
    this(cursor, time, kind, path, name, pkgpath, pkgpaths, set, run, client, userAgent, method, reason,
        Optional.empty());
  }

  /** This violation at a log position. */
  public Violation withCursor(long at) {
    return new Violation(at, time, kind, path, name, pkgpath, pkgpaths, set, run, client, userAgent, method,
        reason, egress);
  }

  /**
   * The packages to blame: the PKGPATH of the URL if there was one, else those whose manifests
   * list the name (possibly none).
   */
  public List<String> blamed() {
    return pkgpath.map(List::of).orElse(pkgpaths);
  }
}
