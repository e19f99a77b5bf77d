package org.distvault.server.admin.ingest;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.distvault.prefetch.manifest.ConflictCheck;
import org.distvault.prefetch.manifest.ManifestError;
import org.distvault.prefetch.manifest.ManifestLine;
import org.distvault.prefetch.manifest.ManifestReader;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * {@code POST /api/v1/manifest}: a JSON-lines manifest (the prefetch tool's format, read by its
 * {@link ManifestReader}) recorded in the catalog as expected distfiles.
 *
 * <p>All or nothing: the body is first copied to a spool file in {@code DATA/tmp/} and every line
 * validated; if any line is malformed, or contradicts an earlier line about the same name and
 * PKGPATH ({@code "line 9: x.tgz for PKGPATH devel/x conflicts with line 4: SHA512 differs"}: two
 * sources disagree about one package's file, and the catalog would silently keep the last), the
 * answer is 400 {@code {"error":"line 17: …","errors":[the first 100 "line N: …"],
 * "malformedLines":N}} and nothing is stored. The conflict check keeps about 300 bytes per
 * distinct (name, PKGPATH), some 60 MB for 200,000 lines, and refuses a manifest of more than
 * {@value ConflictCheck#MAX_PAIRS} rather than exhaust the heap. Otherwise a second pass
 * streams the entries into {@link org.distvault.storage.vault.Vault#expect(Iterable)} and the answer
 * is 200 {@code {"entries":N,"created":N,"merged":N}}. Memory stays bounded whatever the size of
 * the manifest (the conflict check's cap, one catalog chunk of entries, never the raw body); the spool file is deleted
 * before the answer. Upserts are written in synced chunks: a crash in the middle leaves a prefix
 * recorded, and sending the same manifest again completes it (upserts are idempotent).
 *
 * <p>Refused with 409 when the {@link UploadGate} says so. Thread-safe.
 */
public final class ManifestUploadHandler implements HttpHandler {
  /** Errors listed in a 400 answer. */
  public static final int MAX_ERRORS = 100;

  /** Largest manifest body accepted: far above any pkgsrc tree (about 25,000 distfiles). */
  public static final long MAX_BODY = 4L << 30;

  private final Vault vault;
  private final Supplier<SourceSet> set;
  private final HttpHandler entry;

  /** The handler of {@code POST /api/v1/manifest}: the default set. */
  public ManifestUploadHandler(Vault vault, UploadGate gate, IngestListener listener) {
    this(vault, vault::defaultSet, gate, listener);
  }

  /**
   * The handler of {@code POST /api/v1/sets/<set>/manifest}: {@code set} is asked for the set only
   * once the manifest is valid, so that a rejected manifest creates no set.
   */
  public ManifestUploadHandler(Vault vault, Supplier<SourceSet> set, UploadGate gate, IngestListener listener) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.set = Objects.requireNonNull(set, "set");
    this.entry =
        new JsonEndpoint("manifest", Methods.POST, MAX_BODY, gate, listener, this::upload);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply upload(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    Path spool = vault.dataDir().resolve("tmp").resolve("manifest-" + UUID.randomUUID() + ".jsonl");
    // A data directory whose blobs live in a bucket (serve --blob-store) has no blob store to create DATA/tmp.
    Files.createDirectories(spool.getParent());
    try {
      copyBody(ex, body, spool);
      validate(spool);
      UpsertSummary s;
      try (ManifestReader r = ManifestReader.open(spool)) {
        s = set.get().expect(() -> entries(r));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("entries", s.entries());
      reply.put("created", s.created());
      reply.put("merged", s.merged());
      return new JsonEndpoint.Reply(200, reply, "ok");
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /** Copies the request body to the spool file. */
  private static void copyBody(HttpServerExchange ex, InputStream in, Path spool)
      throws IOException, ApiException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(spool, StandardOpenOption.CREATE_NEW)) {
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          throw JsonEndpoint.readFailure(ex, e, total);
        }
        if (n < 0) {
          return;
        }
        out.write(buf, 0, n);
        total += n;
      }
    }
  }

  /**
   * First pass: every line must parse and none may contradict an earlier one (same name and
   * PKGPATH, another size or digest: {@link ConflictCheck}); otherwise 400 naming the first errors.
   */
  private static void validate(Path spool) throws IOException, ApiException {
    List<String> errors = new ArrayList<>();
    long malformed = 0;
    ConflictCheck conflicts = new ConflictCheck();
    try (ManifestReader r = ManifestReader.open(spool)) {
      for (ManifestLine line = r.next(); line != null; line = r.next()) {
        line = conflicts.check(line);
        if (line instanceof ManifestLine.Malformed m) {
          malformed++;
          if (errors.size() < MAX_ERRORS) {
            errors.add(m.error().toString());
          }
        }
      }
    }
    if (malformed > 0) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("errors", errors);
      extra.put("malformedLines", malformed);
      throw new ApiException(400, "bad_request", errors.get(0), extra);
    }
  }

  /** Second pass: the entries of a validated spool file, read lazily from {@code reader}. */
  private static Iterator<ExpectedDistfile> entries(ManifestReader reader) {
    return new Iterator<>() {
      private ExpectedDistfile next = advance();

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public ExpectedDistfile next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        ExpectedDistfile e = next;
        next = advance();
        return e;
      }

      /** The next entry, or null at the end. */
      private ExpectedDistfile advance() {
        try {
          ManifestLine line = reader.next();
          if (line == null) {
            return null;
          }
          if (line instanceof ManifestLine.Entry e) {
            return e.entry();
          }
          ManifestError err = ((ManifestLine.Malformed) line).error();
          throw new IllegalStateException("spool file changed after validation: " + err);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
