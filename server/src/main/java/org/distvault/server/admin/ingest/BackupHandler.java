package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.UploadGate;
import org.distvault.server.health.NoSpace;
import org.distvault.storage.vault.BackupReport;
import org.distvault.storage.vault.Vault;

/**
 * {@code POST /api/v1/backup} with {@code {"to":"/absolute/dir"}}: writes a point-in-time backup of
 * the whole store into that directory on the server's machine ({@link Vault#backup}) while the
 * server keeps serving, and answers 200 with the backup's manifest ({@code backup.json}) when it is
 * done. 400 for a body that is not exactly that (unknown fields, a relative path) or a directory
 * that exists and is not empty; 409 {@code "a backup is already running"} while another runs; 507
 * (the target is full) or 500 with the backup's error, which names the target and the cause, when
 * it fails part-way (what it wrote is removed again).
 * Allowed in every mode: a backup changes nothing in the store. The work runs on a worker thread
 * ({@link JsonEndpoint} dispatches). Thread-safe.
 */
public final class BackupHandler implements HttpHandler {
  /** Runs one backup; {@link Vault#backup} outside tests. */
  @FunctionalInterface
  interface BackupRun {
    BackupReport run(Path to) throws IOException;
  }

  private final BackupRun backup;
  private final Consumer<BackupReport> succeeded;
  private final AtomicBoolean running = new AtomicBoolean();
  private final HttpHandler entry;

  /** @param succeeded told of every backup that succeeded (e.g. the metrics) */
  public BackupHandler(Vault vault, IngestListener listener, Consumer<BackupReport> succeeded) {
    this(Objects.requireNonNull(vault, "vault")::backup, listener, succeeded);
  }

  BackupHandler(BackupRun backup, IngestListener listener) {
    this(backup, listener, report -> { });
  }

  BackupHandler(BackupRun backup, IngestListener listener, Consumer<BackupReport> succeeded) {
    this.backup = Objects.requireNonNull(backup, "backup");
    this.succeeded = Objects.requireNonNull(succeeded, "succeeded");
    this.entry = new JsonEndpoint("backup", Methods.POST, 1 << 16, UploadGate.OPEN, listener, this::backup);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply backup(HttpServerExchange ex, InputStream body) throws IOException, ApiException {
    Path to = target(ex, body);
    if (!running.compareAndSet(false, true)) {
      throw new ApiException(409, "busy", "a backup is already running");
    }
    BackupReport report;
    try {
      report = backup.run(to);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (IOException e) {
      // The backup's own error (it names the target and the cause): a full target is not the full
      // data file system that the shared 507 speaks of.
      throw new ApiException(NoSpace.in(e) ? 507 : 500, "failed", JsonReply.oneLine(e.getMessage()));
    } finally {
      running.set(false);
    }
    succeeded.accept(report);
    return new JsonEndpoint.Reply(200, report.json(), "ok");
  }

  private static Path target(HttpServerExchange ex, InputStream in) throws ApiException {
    JsonNode root;
    try {
      root = JsonReply.JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("bad JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw JsonEndpoint.readFailure(ex, e, -1);
    }
    String to;
    try {
      to = new JsonInput(root, Set.of("to")).string("to")
          .orElseThrow(() -> new IllegalArgumentException("missing to"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("body must be {\"to\":\"/absolute/dir\"}: " + e.getMessage());
    }
    Path path;
    try {
      path = Path.of(to);
    } catch (InvalidPathException e) {
      throw ApiException.badRequest("to is not a path: " + e.getMessage());
    }
    if (!path.isAbsolute()) {
      throw ApiException.badRequest("to must be an absolute directory on the server's machine, got " + to);
    }
    return path.normalize();
  }
}
