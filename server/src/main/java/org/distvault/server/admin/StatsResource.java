package org.distvault.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;
import java.util.Objects;
import org.distvault.server.admin.JsonEndpoint.Reply;
import org.distvault.server.mode.ModeService;
import org.distvault.server.violation.ViolationRecorder;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.vault.Vault;

/**
 * {@code GET /api/v1/stats}: {@code {"mode":...,"blobs":N,"blobBytes":N,"distfiles":{"present":N,
 * "missing":N,"failed":N,"names":N,"variants":N},"violations":N}}.
 */
public final class StatsResource {
  private final Vault vault;
  private final ModeService modes;
  private final ViolationRecorder violations;

  public StatsResource(Vault vault, ModeService modes, ViolationRecorder violations) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.modes = Objects.requireNonNull(modes, "modes");
    this.violations = Objects.requireNonNull(violations, "violations");
  }

  /** The route's handler. */
  public HttpHandler handler() {
    return JsonEndpoint.of(Methods.GET, (exchange, body) -> Reply.ok(json()));
  }

  private ObjectNode json() {
    ObjectNode o = JsonReply.object();
    o.put("mode", modes.current().wireName());
    putStore(o, vault.stats());
    o.put("violations", violations.lastCursor());
    return o;
  }

  /**
   * Puts the store's counts into {@code o}: {@code "blobs":N,"blobBytes":N,"distfiles":{"present":N,
   * "missing":N,"failed":N,"names":N,"variants":N}} (also the status page's).
   */
  public static void putStore(ObjectNode o, StoreStats s) {
    o.put("blobs", s.blobs());
    o.put("blobBytes", s.blobBytes());
    ObjectNode d = o.putObject("distfiles");
    d.put("present", s.present());
    d.put("missing", s.missing());
    d.put("failed", s.failed());
    d.put("names", s.names());
    d.put("variants", s.variants());
  }
}
