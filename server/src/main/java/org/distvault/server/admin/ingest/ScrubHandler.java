package org.distvault.server.admin.ingest;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.blob.CorruptBlob;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.vault.Vault;
import org.distvault.storage.vault.VaultBusyException;

/**
 * {@code POST /api/v1/scrub}: re-hashes every blob now ({@link Vault#scrub}: corrupt blobs are
 * quarantined and dropped from the catalog, their names unbound unless the store is sealed; recorded
 * blobs whose file is gone are dropped likewise) and answers 200 {@code
 * {"checked":N,"bytes":N,"corrupt":[{"sha512":…,"actual":…,"reason":…}],"missing":[sha512…]}} when
 * it is done
 * ({@code sha512} is what the file's name promised, {@code actual} what its bytes hash to; either
 * is null when unknown). One scrub at a time: a second request while one runs, also a scheduled
 * one ({@link ScrubRunner}), gets 409 {@code "a scrub is already running"}. The body is ignored.
 * Allowed in every mode: a scrub only removes what can no longer be served. Thread-safe.
 */
public final class ScrubHandler implements HttpHandler {
  private final ScrubRunner scrubs;
  private final IngestListener listener;
  private final HttpHandler entry;

  /** @param scrubs runs one scrub at a time, shared with {@code serve --scrub-every} */
  public ScrubHandler(ScrubRunner scrubs, IngestListener listener) {
    this.scrubs = Objects.requireNonNull(scrubs, "scrubs");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.entry =
        new JsonEndpoint("scrub", Methods.POST, 1 << 20, UploadGate.OPEN, listener, this::scrub);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply scrub(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    ScrubReport report;
    try {
      report = scrubs.runIfIdle()
          .orElseThrow(() -> new ApiException(409, "busy", "a scrub is already running"));
    } catch (VaultBusyException e) {
      throw new ApiException(409, "busy", e.getMessage()); // a garbage collection runs
    }
    List<Map<String, Object>> corrupt = new ArrayList<>();
    for (CorruptBlob c : report.corrupt()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sha512", c.expected().map(Digest::hex).orElse(null));
      m.put("actual", c.actual().map(Digest::hex).orElse(null));
      m.put("reason", c.reason());
      corrupt.add(m);
      listener.outcome("scrub", "corrupt");
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("checked", report.checked());
    reply.put("bytes", report.bytes());
    List<String> missing = new ArrayList<>();
    for (Digest d : report.missing()) {
      missing.add(d.hex());
      listener.outcome("scrub", "missing");
    }
    reply.put("corrupt", corrupt);
    reply.put("missing", missing);
    return new JsonEndpoint.Reply(200, reply, "ok");
  }
}
