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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distvault.server.admin.ApiException;
import org.distvault.server.admin.IngestListener;
import org.distvault.server.admin.JsonEndpoint;
import org.distvault.server.admin.JsonReply;
import org.distvault.server.admin.UploadGate;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * {@code POST /api/v1/have}: which of up to {@value #MAX_ENTRIES} expected distfiles the cache
 * already holds. Body {@code {"entries":[{"name","pkgpath"?,"digests","size"?},…]}}; answer 200
 * {@code {"present":[indexes],"missing":[indexes]}}, both ascending.
 *
 * <p>An entry is present when the catalog variant with its content (see {@link ContentMatch}) is
 * bound to a blob, or when a held blob matches its strongest listed digest, every other listed
 * digest and its size: then the variant is bound now (after recording the expectation when the
 * name, or this content under it, is not catalogued yet), so the next {@code GET} finds it. An
 * entry that lists no digest is never present (nothing could verify a blob against it). The
 * check is {@link Presence}'s, which {@code POST /api/v1/manifest?have=1} shares.
 *
 * <p>The route is not refused offline, since answering is read-only. Binding is a write, though:
 * while the {@link UploadGate} refuses, nothing is bound and only already-bound variants count as
 * present. Thread-safe.
 */
public final class HaveHandler implements HttpHandler {
  /** The contract's largest {@code have} request. */
  public static final int MAX_ENTRIES = 10_000;

  /** Largest body: 10,000 entries with names of the longest allowed length and every digest. */
  static final long MAX_BODY = 64L << 20;

  private static final Set<String> FIELDS = Set.of("name", "pkgpath", "digests", "size");

  private final Presence presence;
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
    this.presence = new Presence(Objects.requireNonNull(vault, "vault"), Objects.requireNonNull(set, "set"),
        Objects.requireNonNull(gate, "gate"));
    this.entry =
        new JsonEndpoint("have", Methods.POST, MAX_BODY, UploadGate.OPEN, listener, this::answer);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  private JsonEndpoint.Reply answer(HttpServerExchange ex, InputStream body)
      throws IOException, ApiException {
    boolean[] present = presence.check(parse(ex, body));
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

  private static List<Presence.Query> parse(HttpServerExchange ex, InputStream in) throws ApiException {
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
    List<Presence.Query> wanted = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      try {
        JsonInput e = new JsonInput(entries.get(i), FIELDS);
        Optional<String> pkgpath = e.string("pkgpath").map(ExpectedDistfile::checkPkgpath);
        wanted.add(new Presence.Query(e.name(), pkgpath, e.digests(), e.size()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("entry " + i + ": " + e.getMessage());
      }
    }
    return wanted;
  }
}
