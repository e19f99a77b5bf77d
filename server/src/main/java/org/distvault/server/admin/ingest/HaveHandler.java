package org.distvault.server.admin.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
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
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/have}: which of up to {@value #MAX_ENTRIES} expected distfiles the cache
 * already holds. Body {@code {"entries":[{"name","pkgpath"?,"digests","size"?},…]}}; answer 200
 * {@code {"present":[indexes],"missing":[indexes]}}, both ascending.
 *
 * <p>An entry is present when the catalog variant with its content (see {@link ContentMatch}) is
 * bound to a blob, or when a held blob matches its strongest listed digest, every other listed
 * digest and its size: then the variant is bound now (after recording the expectation when the
 * name, or this content under it, is not catalogued yet), so the next {@code GET} finds it. An
 * entry that lists no digest is never present (nothing could verify a blob against it).
 *
 * <p>The route is not refused offline, since answering is read-only. Binding is a write, though:
 * while the {@link UploadGate} refuses, nothing is bound and only already-bound variants count as
 * present. Thread-safe.
 */
public final class HaveHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(HaveHandler.class);

  /** The contract's largest {@code have} request. */
  public static final int MAX_ENTRIES = 10_000;

  /** Largest body: 10,000 entries with names of the longest allowed length and every digest. */
  static final long MAX_BODY = 64L << 20;

  private static final Set<String> FIELDS = Set.of("name", "pkgpath", "digests", "size");

  private final Vault vault;
  private final SourceSet set;
  private final UploadGate gate;
  private final HttpHandler entry;

  /** The handler of {@code POST /api/v1/have}: the default set. */
  public HaveHandler(Vault vault, UploadGate gate, IngestListener listener) {
    this(vault, vault.defaultSet(), gate, listener);
  }

  /**
   * The handler of {@code POST /api/v1/sets/<set>/have}: answers for {@code set} and binds into it
   * the blobs the vault holds (shared by every set).
   */
  public HaveHandler(Vault vault, SourceSet set, UploadGate gate, IngestListener listener) {
    this.vault = Objects.requireNonNull(vault, "vault");
    this.set = Objects.requireNonNull(set, "set");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.entry =
        new JsonEndpoint("have", Methods.POST, MAX_BODY, UploadGate.OPEN, listener, this::answer);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  /** One parsed entry of the request. */
  private record Wanted(DistfileName name, Optional<String> pkgpath, Digests digests,
      OptionalLong size) {}

  /** An entry whose content is held but whose variant is not bound to it yet. */
  private record ToBind(int index, Wanted wanted, BlobRecord blob, boolean catalogued) {}

  private JsonEndpoint.Reply answer(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    List<Wanted> wanted = parse(ex, body);
    boolean mayBind = gate.refusal().isEmpty();
    boolean[] present = new boolean[wanted.size()];
    List<DistfileName> names = new ArrayList<>(wanted.size());
    for (Wanted w : wanted) {
      names.add(w.name());
    }
    // The catalog is read in one multi-get per kind of record, not once per entry.
    List<List<VariantContent>> records = set.contents(names);
    boolean[] catalogued = new boolean[wanted.size()];
    int[] bySha512 = new int[wanted.size()];
    List<Digest> sha512s = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      Wanted w = wanted.get(i);
      VariantContent v = ContentMatch.content(records.get(i), w.size(), w.digests());
      if (v != null && v.blob().isPresent()) {
        present[i] = true;
        continue;
      }
      catalogued[i] = v != null;
      bySha512[i] = -1;
      if (mayBind) {
        Optional<Digest> key = ContentMatch.strongest(w.digests());
        if (key.isPresent() && key.get().algorithm() == DigestAlgorithm.SHA512) {
          bySha512[i] = sha512s.size();
          sha512s.add(key.get());
        }
      }
    }
    List<BlobRecord> blobs = sha512s.isEmpty() ? List.of() : vault.blobs(sha512s);
    List<ToBind> toBind = new ArrayList<>();
    for (int i = 0; i < wanted.size() && mayBind; i++) {
      if (present[i]) {
        continue;
      }
      Wanted w = wanted.get(i);
      Optional<BlobRecord> blob = bySha512[i] < 0 ? ContentMatch.heldBlob(vault, w.size(), w.digests())
          : Optional.ofNullable(blobs.get(bySha512[i]))
              .filter(b -> ContentMatch.mismatch(b, w.size(), w.digests()).isEmpty());
      if (blob.isPresent()) {
        present[i] = true; // provisionally: cleared below if the vault refuses the binding
        toBind.add(new ToBind(i, w, blob.get(), catalogued[i]));
      }
    }
    if (!toBind.isEmpty()) {
      try {
        // The request's expectations and binds as one against the seal's freeze: all or none.
        set.unlessFrozen("bind", () -> bind(toBind, present));
      } catch (FrozenException e) {
        // Sealed since the gate was asked: nothing was bound, as if the gate had refused.
        toBind.forEach(t -> present[t.index()] = false);
      }
    }
    List<Integer> yes = new ArrayList<>();
    List<Integer> no = new ArrayList<>();
    for (int i = 0; i < present.length; i++) {
      (present[i] ? yes : no).add(i);
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("present", yes);
    reply.put("missing", no);
    return new JsonEndpoint.Reply(200, reply, "ok");
  }

  /** Records the missing expectations in one upsert, then binds each variant to its blob. */
  private void bind(List<ToBind> toBind, boolean[] present) {
    if (toBind.isEmpty()) {
      return;
    }
    List<ExpectedDistfile> fresh = new ArrayList<>();
    for (ToBind t : toBind) {
      if (!t.catalogued()) {
        Wanted w = t.wanted();
        fresh.add(new ExpectedDistfile(w.name(), w.size(), w.digests(),
            w.pkgpath().map(Set::of).orElse(Set.of()), List.of()));
      }
    }
    if (!fresh.isEmpty()) {
      set.expect(fresh);
    }
    for (ToBind t : toBind) {
      Wanted w = t.wanted();
      try {
        DistfileRecord record = set.distfile(w.name()).orElseThrow();
        Variant v = ContentMatch.variant(record, w.size(), w.digests()).orElseThrow();
        set.bind(record.ref(v), t.blob().sha512());
      } catch (IllegalArgumentException | NoSuchElementException e) {
        // E.g. the catalogued variant expects a digest the blob was never hashed with: the
        // prefetch tool then downloads and uploads it, which computes that digest.
        log.info("have: {} not bound to {}: {}", w.name(), t.blob().sha512().hex(), e.getMessage());
        present[t.index()] = false;
      }
    }
  }

  private static List<Wanted> parse(HttpServerExchange ex, InputStream in) throws ApiException {
    JsonNode root;
    try {
      root = JsonReply.JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("bad JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw JsonEndpoint.readFailure(ex, e, -1);
    }
    JsonNode entries = root == null ? null : root.get("entries");
    if (entries == null || !entries.isArray()) {
      throw ApiException.badRequest("body must be {\"entries\":[...]}");
    }
    if (entries.size() > MAX_ENTRIES) {
      throw ApiException.badRequest("at most " + MAX_ENTRIES + " entries per call, got "
          + entries.size());
    }
    List<Wanted> wanted = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      try {
        JsonInput e = new JsonInput(entries.get(i), FIELDS);
        Optional<String> pkgpath = e.string("pkgpath").map(ExpectedDistfile::checkPkgpath);
        wanted.add(new Wanted(e.name(), pkgpath, e.digests(), e.size()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("entry " + i + ": " + e.getMessage());
      }
    }
    return wanted;
  }
}
