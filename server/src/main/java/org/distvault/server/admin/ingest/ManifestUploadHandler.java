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
import java.util.Arrays;
import java.util.Deque;
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
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.UpsertSummary;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * {@code POST /api/v1/manifest}: a JSON-lines manifest (the prefetch tool's format, read by its
 * {@link ManifestReader}) recorded in the catalog as expected distfiles.
 *
 * <p>All or nothing: in one pass the body is copied to a spool file in {@code DATA/tmp/} and every
 * line parsed and validated (a body whose {@code Content-Length} is at most {@link #keepBudget()}
 * is not copied: its entries are kept); if any line is malformed, or contradicts an earlier line about the same name and
 * PKGPATH ({@code "line 9: x.tgz for PKGPATH devel/x conflicts with line 4: SHA512 differs"}: two
 * sources disagree about one package's file, and the catalog would silently keep the last), the
 * answer is 400 {@code {"error":"line 17: …","errors":[the first 100 "line N: …"],
 * "malformedLines":N}} and nothing is stored. The conflict check keeps about 300 bytes per
 * distinct (name, PKGPATH), some 60 MB for 200,000 lines, and refuses a manifest of more than
 * {@value ConflictCheck#MAX_PAIRS} rather than exhaust the heap. Otherwise the entries go into
 * {@link org.distvault.storage.vault.Vault#expect(Iterable)} and the answer is 200 {@code
 * {"entries":N,"created":N,"merged":N}}: the entries parsed in that pass when the body is at
 * most {@link #keepBudget()} bytes (an eighth of the heap, at most 256 MB; a whole pkgsrc tree
 * is some 10 MB), so that a manifest is parsed once; a larger body is parsed again from the spool
 * file, streamed. Memory stays bounded whatever the size of the manifest (the conflict check's
 * cap, the kept entries' budget or one catalog chunk of entries); the spool file is deleted
 * before the answer. Upserts are written in synced chunks of
 * {@value #UPSERT_CHUNK}: a crash in the middle leaves a prefix
 * recorded, and sending the same manifest again completes it (upserts are idempotent).
 *
 * <p>With {@code ?have=1} the answer also says which entries the cache holds, as {@code POST
 * /api/v1/have} would for each ({@link Presence}, binding what it can): {@code "present":[indexes]},
 * ascending, counting the manifest's entries (non-blank lines) from 0. The answer has no {@code
 * "present"} when the entries were not kept in memory (a body larger than {@link #keepBudget()}):
 * the client asks {@code have} then, as it does a server that ignores the parameter. So the
 * prefetch tool need not send the names again in {@code have} chunks.
 *
 * <p>Refused with 409 when the {@link UploadGate} says so. Thread-safe.
 */
public final class ManifestUploadHandler implements HttpHandler {
  /** Errors listed in a 400 answer. */
  public static final int MAX_ERRORS = 100;

  /**
   * Entries per synced catalog write: ten times the catalog's default, so that a 160,000-line
   * manifest takes 16 disk flushes, not 160; a chunk's batch is some 6 MB.
   */
  static final int UPSERT_CHUNK = 10_000;

  /** Largest manifest body accepted: far above any pkgsrc tree (about 25,000 distfiles). */
  public static final long MAX_BODY = 4L << 30;

  private final Vault vault;
  private final Supplier<SourceSet> set;
  private final UploadGate gate;
  private final HttpHandler entry;
  private final long keepBytes;

  /** The handler of {@code POST /api/v1/manifest}: the default set. */
  public ManifestUploadHandler(Vault vault, UploadGate gate, IngestListener listener) {
    this(vault, vault::defaultSet, gate, listener);
  }

  /**
   * The handler of {@code POST /api/v1/sets/<set>/manifest}: {@code set} is asked for the set only
   * once the manifest is valid, so that a rejected manifest creates no set.
   */
  public ManifestUploadHandler(Vault vault, Supplier<SourceSet> set, UploadGate gate, IngestListener listener) {
    this(vault, set, gate, listener, keepBudget());
  }

  /** As above, keeping the parsed entries of a body of at most {@code keepBytes} bytes. */
  ManifestUploadHandler(Vault vault, Supplier<SourceSet> set, UploadGate gate, IngestListener listener,
      long keepBytes) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.set = Objects.requireNonNull(set, "set");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.keepBytes = keepBytes;
    this.entry =
        new JsonEndpoint("manifest", Methods.POST, MAX_BODY, gate, listener, this::upload);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply upload(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    boolean askHave = askedHave(ex);
    // A body whose announced length fits the budget is kept whole: no second pass, no spool file.
    long announced = ex.getRequestContentLength();
    Path spool = announced >= 0 && announced <= keepBytes ? null
        : vault.dataDir().resolve("tmp").resolve("manifest-" + UUID.randomUUID() + ".jsonl");
    try {
      List<ExpectedDistfile> kept = read(ex, body, spool, keepBytes);
      UpsertSummary s;
      SourceSet target = null;
      if (kept != null) {
        target = set.get();
        s = target.expect(kept, UPSERT_CHUNK);
      } else {
        try (ManifestReader r = ManifestReader.open(spool)) {
          s = set.get().expect(() -> entries(r), UPSERT_CHUNK);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("entries", s.entries());
      reply.put("created", s.created());
      reply.put("merged", s.merged());
      if (askHave && target != null) {
        reply.put("present", present(target, kept, s.created() == s.entries()));
      }
      return new JsonEndpoint.Reply(200, reply, "ok");
    } finally {
      if (spool != null) {
        Files.deleteIfExists(spool);
      }
    }
  }

  /**
   * Whether the request asks for the presence of its entries ({@code ?have=1}); any other value
   * of {@code have} is refused with 400.
   */
  private static boolean askedHave(HttpServerExchange ex) throws ApiException {
    Deque<String> have = ex.getQueryParameters().get("have");
    if (have == null) {
      return false;
    }
    if (have.size() != 1 || !"1".equals(have.getFirst())) {
      throw ApiException.badRequest("query parameter have must be 1 (answer which entries the cache holds), got "
          + JsonReply.oneLine(String.join(",", have)));
    }
    return true;
  }

  /**
   * The indexes of the {@code entries} the cache holds, ascending: {@code have}'s answer for
   * them, checked in chunks of {@value HaveHandler#MAX_ENTRIES} (its largest request) so that
   * each chunk's catalog reads are as large as one {@code have} call's. {@code allCreated}: the
   * upsert created a variant for every entry (a new set, or names new to it), none of which can
   * be bound yet, so only the held blobs are looked up.
   */
  private int[] present(SourceSet target, List<ExpectedDistfile> entries, boolean allCreated) {
    Presence presence = new Presence(vault, target, gate);
    int[] indexes = new int[entries.size()];
    int n = 0;
    for (int from = 0; from < entries.size(); from += HaveHandler.MAX_ENTRIES) {
      int to = Math.min(entries.size(), from + HaveHandler.MAX_ENTRIES);
      List<Presence.Query> chunk = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        chunk.add(Presence.Query.of(entries.get(i)));
      }
      boolean[] held = presence.check(chunk, allCreated);
      for (int i = 0; i < held.length; i++) {
        if (held[i]) {
          indexes[n++] = from + i;
        }
      }
    }
    return Arrays.copyOf(indexes, n);
  }

  /**
   * Manifest bytes whose entries are kept in memory after validation: an eighth of the heap's
   * limit, at most {@value #MAX_KEEP_BYTES} (a parsed entry takes some 2-3 times its line).
   */
  static long keepBudget() {
    return Math.min(Runtime.getRuntime().maxMemory() / 8, MAX_KEEP_BYTES);
  }

  /** Largest manifest whose parsed entries are kept for the upserts: some 600,000 lines. */
  static final long MAX_KEEP_BYTES = 256L << 20;

  /**
   * The one pass over the body: copies it to the spool file ({@code spool}; null when the body's
   * announced length is at most {@code keepBytes}: then its entries are all kept) while every line is parsed and
   * checked, and none may contradict an earlier one (same name and PKGPATH, another size or
   * digest: {@link ConflictCheck}); otherwise 400 naming the first errors, and nothing is stored.
   *
   * @return the valid entries in order, or null when the body was longer than {@code keepBytes}:
   *     then a second pass reads them from the spool file
   */
  private static List<ExpectedDistfile> read(HttpServerExchange ex, InputStream body, Path spool, long keepBytes)
      throws IOException, ApiException {
    List<String> errors = new ArrayList<>();
    long malformed = 0;
    ConflictCheck conflicts = new ConflictCheck();
    List<ExpectedDistfile> kept = new ArrayList<>();
    OutputStream copy = spool != null ? Files.newOutputStream(spool, StandardOpenOption.CREATE_NEW)
        : OutputStream.nullOutputStream();
    try (SpooledBody in = new SpooledBody(body, copy);
        ManifestReader r = new ManifestReader(in)) {
      for (ManifestLine line = r.next(); line != null; line = r.next()) {
        line = conflicts.check(line);
        if (line instanceof ManifestLine.Malformed m) {
          malformed++;
          kept = null; // refused whole: nothing more to keep
          if (errors.size() < MAX_ERRORS) {
            errors.add(m.error().toString());
          }
        } else if (kept != null) {
          if (spool != null && in.count() > keepBytes) {
            kept = null;
          } else {
            kept.add(((ManifestLine.Entry) line).entry());
          }
        }
      }
    } catch (BodyReadFailure e) {
      throw JsonEndpoint.readFailure(ex, e.read(), e.count());
    }
    if (malformed > 0) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("errors", errors);
      extra.put("malformedLines", malformed);
      throw new ApiException(400, "bad_request", errors.get(0), extra);
    }
    return kept;
  }

  /**
   * The request body, copied to the spool file as it is read. A failure to read the body (the
   * client broke off, the body is too large) comes out as a {@link BodyReadFailure}, apart from a
   * failure to write the spool file.
   */
  private static final class SpooledBody extends InputStream {
    private final InputStream in;
    private final OutputStream copy;
    private long count;

    SpooledBody(InputStream in, OutputStream copy) {
      this.in = in;
      this.copy = copy;
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw new BodyReadFailure(e, count);
      }
      if (n > 0) {
        copy.write(b, off, n);
        count += n;
      }
      return n;
    }

    /** Closes the spool file only: the request body is the exchange's. */
    @Override
    public void close() throws IOException {
      copy.close();
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
