package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantRef;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * {@code POST /api/v1/outcomes}: the prefetch tool's per-distfile results, as JSON lines {@code
 * {"name","pkgpaths","digests","status":"ok|failed","reason","url","sha512"}}; answer 200 {@code
 * {"recorded":N}} with N the number of lines.
 *
 * <p>Each line names a variant by its name and expected digests (the catalog's content identity,
 * see {@link ContentMatch}); when the catalog has no such variant yet, or it lacks a PKGPATH of
 * the line, the expectation is recorded first. {@code ok} binds the variant to the blob {@code
 * sha512}, which must be held and match every digest the variant expects (the line's and the
 * catalogued ones) and its size; {@code failed} records the reason, the time and the URL, so a
 * later offline violation of that file says why it is missing.
 *
 * <p>All or nothing as far as validation goes: every line is parsed first (400 {@code
 * {"error":"line N: …","errors":[…]}} for malformed lines) and every {@code ok} line checked
 * against the store (422, same shape), and only then is anything written. The writes themselves
 * are a few synced batches (upserts, every binding in one, one batch of outcomes); replaying the same
 * request is harmless.
 *
 * <p>An {@code ok} line whose entry lists no digest cannot bind anything (the catalog never binds
 * content it cannot verify); it is recorded as a failure saying so, which is what a later
 * violation of that file should tell the operator. Refused with 409 when the {@link UploadGate}
 * says so. Thread-safe.
 */
public final class OutcomesHandler implements HttpHandler {
  /** Errors listed in a 400 or 422 answer. */
  public static final int MAX_ERRORS = 100;

  static final long MAX_BODY = 64L << 20;

  private static final Set<String> FIELDS =
      Set.of("name", "pkgpaths", "digests", "status", "reason", "url", "sha512");
  private static final ObjectReader LINE_READER =
      JsonReply.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Vault vault;
  private final SourceSet set;
  private final IngestListener listener;
  private final Clock clock;
  private final HttpHandler entry;

  public OutcomesHandler(Vault vault, UploadGate gate, IngestListener listener) {
    this(vault, gate, listener, Clock.systemUTC());
  }

  /** As above, with the clock that times the recorded outcomes. */
  public OutcomesHandler(Vault vault, UploadGate gate, IngestListener listener, Clock clock) {
    this(vault, vault.defaultSet(), gate, listener, clock);
  }

  /**
   * The handler of {@code POST /api/v1/sets/<set>/outcomes}: records into {@code set} (blobs are
   * the vault's, shared by every set).
   */
  public OutcomesHandler(Vault vault, SourceSet set, UploadGate gate, IngestListener listener, Clock clock) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.set = Objects.requireNonNull(set, "set");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entry =
        new JsonEndpoint("outcome", Methods.POST, MAX_BODY, gate, listener, this::record);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  /** One parsed outcome line. */
  private record Line(long number, DistfileName name, Set<String> pkgpaths, Digests digests,
      boolean ok, String reason, Optional<String> url, Optional<Digest> sha512) {

    /** Whether this line binds (an ok line that lists a digest to verify the blob against). */
    boolean binds() {
      return ok && !digests.isEmpty();
    }

    String where() {
      return "line " + number + ": " + name;
    }
  }

  private JsonEndpoint.Reply record(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    List<Line> lines;
    try {
      lines = parse(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw JsonEndpoint.readFailure(ex, e, -1);
    }
    return new JsonEndpoint.Reply(200, Map.of("recorded", record(lines)), null);
  }

  /**
   * Records outcome lines read in this process (a prefetch the server runs itself, {@link
   * VaultSink}) exactly as a request body of them: the same parse, checks and writes.
   *
   * @return the number of lines recorded
   * @throws ApiException 400 or 422 as the route answers them; nothing is written then
   */
  int recordLines(BufferedReader in) throws IOException, ApiException {
    return record(parse(in));
  }

  private int record(List<Line> lines) throws ApiException {
    checkBlobs(lines);
    // Expectations, binds and outcomes as one against the seal's freeze: all or none of them.
    set.unlessFrozen("record outcomes", () -> write(lines));
    for (Line l : lines) {
      listener.outcome("outcome", l.binds() ? "ok" : "failed");
    }
    return lines.size();
  }

  private void write(List<Line> lines) throws ApiException {
    upsertMissing(lines);
    Instant now = clock.instant();
    Map<VariantRef, PrefetchOutcome> outcomes = new LinkedHashMap<>();
    List<Map.Entry<VariantRef, Digest>> bindings = new ArrayList<>();
    for (Line l : lines) {
      VariantRef ref = variantOf(l);
      if (l.binds()) {
        bindings.add(Map.entry(ref, l.sha512().orElseThrow()));
        outcomes.put(ref, new PrefetchOutcome(PrefetchOutcome.Status.OK, "", now, l.url()));
      } else if (l.ok()) {
        outcomes.put(ref, PrefetchOutcome.failed("fetched (SHA512 " + l.sha512().orElseThrow().hex()
            + ") but its manifest entry lists no digest to verify it against, so the cache does"
            + " not serve it", now, l.url().orElse(null)));
      } else {
        outcomes.put(ref, PrefetchOutcome.failed(l.reason(), now, l.url().orElse(null)));
      }
    }
    // One synced write for all the request's bindings, not one per line.
    try {
      set.bindAll(bindings);
    } catch (IllegalArgumentException e) {
      // Checked above; reached only if a line earlier in this request changed the variant.
      throw new ApiException(422, "mismatch", e.getMessage());
    }
    set.recordOutcomes(outcomes);
  }

  /** Every ok line's blob must be held and match its variant; else 422 naming the lines. */
  private void checkBlobs(List<Line> lines) throws ApiException {
    List<String> errors = new ArrayList<>();
    for (Line l : lines) {
      if (!l.binds()) {
        continue;
      }
      Digest sha512 = l.sha512().orElseThrow();
      Optional<BlobRecord> blob = vault.blob(sha512);
      Optional<String> problem;
      if (blob.isEmpty()) {
        problem = Optional.of("no blob " + sha512.hex() + " is held (upload it first)");
      } else {
        Optional<Variant> v =
            ContentMatch.variant(set.distfile(l.name()).orElse(null), OptionalLong.empty(),
                l.digests());
        Digests want = v.map(x -> x.digests().merge(l.digests())).orElse(l.digests());
        OptionalLong size = v.map(Variant::size).orElse(OptionalLong.empty());
        problem = ContentMatch.mismatch(blob.get(), size, want)
            .map(p -> "blob " + sha512.hex() + " does not match: " + p);
      }
      if (problem.isPresent() && errors.size() < MAX_ERRORS) {
        errors.add(l.where() + ": " + problem.get());
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "mismatch", errors.get(0), Map.of("errors", errors));
    }
  }

  /** Records the expectations the catalog lacks (a new variant, or a PKGPATH it does not list). */
  private void upsertMissing(List<Line> lines) {
    List<ExpectedDistfile> missing = new ArrayList<>();
    for (Line l : lines) {
      Optional<Variant> v =
          ContentMatch.variant(set.distfile(l.name()).orElse(null), OptionalLong.empty(),
              l.digests());
      if (v.isEmpty() || !v.get().pkgpaths().containsAll(l.pkgpaths())) {
        missing.add(new ExpectedDistfile(l.name(), OptionalLong.empty(), l.digests(),
            l.pkgpaths(), List.of()));
      }
    }
    if (!missing.isEmpty()) {
      set.expect(missing);
    }
  }

  private VariantRef variantOf(Line l) {
    DistfileRecord record = set.distfile(l.name()).orElseThrow(
        () -> new NoSuchElementException(l.where() + ": not catalogued after the upsert"));
    Variant v = ContentMatch.variant(record, OptionalLong.empty(), l.digests()).orElseThrow(
        () -> new NoSuchElementException(l.where() + ": no variant after the upsert"));
    return record.ref(v);
  }

  /** Parses every non-blank line; 400 naming the first malformed ones. */
  private static List<Line> parse(BufferedReader in) throws IOException, ApiException {
    List<Line> lines = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    long number = 0;
    for (String text = in.readLine(); text != null; text = in.readLine()) {
      number++;
      if (text.isBlank()) {
        continue;
      }
      try {
        lines.add(parseLine(number, text));
      } catch (IllegalArgumentException e) {
        if (errors.size() < MAX_ERRORS) {
          errors.add("line " + number + ": " + e.getMessage());
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad_request", errors.get(0), Map.of("errors", errors));
    }
    return lines;
  }

  private static Line parseLine(long number, String text) {
    JsonNode node;
    try {
      node = LINE_READER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad JSON: " + e.getOriginalMessage(), e);
    }
    JsonInput in = new JsonInput(node, FIELDS);
    DistfileName name = in.name();
    String status = in.string("status").orElseThrow(() -> new IllegalArgumentException(
        "missing status (\"ok\" or \"failed\")"));
    Optional<String> reason = in.string("reason");
    Optional<Digest> sha512 =
        in.string("sha512").map(h -> Digest.fromHex(DigestAlgorithm.SHA512, h));
    boolean ok = switch (status) {
      case "ok" -> true;
      case "failed" -> false;
      default -> throw new IllegalArgumentException(
          "status must be \"ok\" or \"failed\", got \"" + status + "\"");
    };
    if (ok && sha512.isEmpty()) {
      throw new IllegalArgumentException("an ok outcome needs the sha512 of the blob");
    }
    if (!ok && reason.map(String::isBlank).orElse(true)) {
      throw new IllegalArgumentException("a failed outcome needs a reason");
    }
    return new Line(number, name, in.pkgpaths(), in.digests(), ok, reason.orElse(""),
        in.string("url"), sha512);
  }
}
