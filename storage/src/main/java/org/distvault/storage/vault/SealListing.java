package org.distvault.storage.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantRef;

/**
 * A sealed set written out whole, as gzipped JSON lines, one per variant: {@code name}, {@code
 * pkgpaths}, {@code size}, {@code digests}, {@code urls}, the last prefetch {@code outcome} (a
 * violation repeats its reason), and for a bound variant its {@code blob} ({@code sha512}, {@code
 * size}, {@code digests}). A replica {@link #load}s it into a set of its own, and its seal digest
 * then equals the primary's. Stateless.
 */
public final class SealListing {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SealListing() {}

  /** The listing of everything {@code set} expects and binds now; freeze it first. */
  public static byte[] write(Vault vault, SourceSet set) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      Optional<DistfileName> after = Optional.empty();
      for (List<DistfileRecord> page = set.listDistfiles(after, Vault.MAX_PAGE); !page.isEmpty();
          page = set.listDistfiles(after, Vault.MAX_PAGE)) {
        for (DistfileRecord r : page) {
          for (Variant v : r.variants()) {
            out.write(JSON.writeValueAsBytes(line(vault, r.name(), v)));
            out.write('\n');
          }
        }
        after = Optional.of(page.get(page.size() - 1).name());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static ObjectNode line(Vault vault, DistfileName name, Variant v) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name.value());
    v.pkgpaths().forEach(o.putArray("pkgpaths")::add);
    if (v.size().isPresent()) {
      o.put("size", v.size().getAsLong());
    }
    o.set("digests", JSON.valueToTree(v.digests().toHexMap()));
    v.urls().forEach(o.putArray("urls")::add);
    v.lastOutcome().ifPresent(out -> {
      ObjectNode n = o.putObject("outcome");
      n.put("status", out.status().name()).put("reason", out.reason()).put("at", out.at().toString());
      out.url().ifPresent(u -> n.put("url", u));
    });
    v.blob().ifPresent(sha512 -> {
      BlobRecord b = vault.blob(sha512).orElseThrow(() -> new IllegalStateException(
          name + " is bound to blob " + sha512.hex() + ", which the catalog does not hold"));
      o.putObject("blob").put("sha512", sha512.hex()).put("size", b.size())
          .set("digests", JSON.valueToTree(b.digests().toHexMap()));
    });
    return o;
  }

  /**
   * Creates {@code name} in {@code vault} (which must not have it) with what {@code listing} says,
   * and seals it at {@code at}: blob records for the bound blobs (their objects are the bucket's;
   * the cache tier verifies every byte it fetches), expectations, outcomes, bindings.
   *
   * @return the seal, whose digest the caller compares with the published one
   * @throws IllegalArgumentException when the listing cannot be read
   */
  public static Seal load(Vault vault, SetName name, byte[] listing, Instant at) throws IOException {
    if (vault.set(name).isPresent()) {
      throw new IllegalArgumentException("set " + name + " exists already");
    }
    Map<DistfileName, List<JsonNode>> byName = new LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(new ByteArrayInputStream(listing)), StandardCharsets.UTF_8))) {
      for (String l = in.readLine(); l != null; l = in.readLine()) {
        if (!l.isBlank()) {
          JsonNode n = JSON.readTree(l);
          byName.computeIfAbsent(DistfileName.of(n.path("name").asText()), k -> new ArrayList<>()).add(n);
        }
      }
    }
    SourceSet set = vault.createSet(name);
    List<ExpectedDistfile> expected = new ArrayList<>();
    Map<Digest, BlobRecord> blobs = new HashMap<>();
    byName.forEach((distfile, lines) -> lines.forEach(n -> {
      expected.add(new ExpectedDistfile(distfile,
          n.has("size") ? OptionalLong.of(n.get("size").asLong()) : OptionalLong.empty(),
          digests(n.path("digests")), new TreeSet<>(strings(n.path("pkgpaths"))), strings(n.path("urls"))));
      JsonNode b = n.path("blob");
      if (b.isObject()) {
        Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, b.path("sha512").asText());
        blobs.put(sha512, new BlobRecord(sha512, b.path("size").asLong(), digests(b.path("digests")), at, at));
      }
    }));
    set.expect(expected);
    vault.catalog().putBlobs(new ArrayList<>(blobs.values()));
    List<Map.Entry<VariantRef, Digest>> bindings = new ArrayList<>();
    Map<VariantRef, PrefetchOutcome> outcomes = new HashMap<>();
    byName.forEach((distfile, lines) -> {
      DistfileRecord r = set.distfile(distfile).orElseThrow();
      for (JsonNode n : lines) {
        Variant v = variantOf(r, n);
        VariantRef ref = r.ref(v);
        JsonNode o = n.path("outcome");
        if (o.isObject()) {
          outcomes.put(ref, new PrefetchOutcome(PrefetchOutcome.Status.valueOf(o.path("status").asText()),
              o.path("reason").asText(), Instant.parse(o.path("at").asText()),
              o.has("url") ? Optional.of(o.get("url").asText()) : Optional.empty()));
        }
        if (n.path("blob").isObject()) {
          bindings.add(Map.entry(ref, Digest.fromHex(DigestAlgorithm.SHA512, n.path("blob").path("sha512").asText())));
        }
      }
    });
    set.recordOutcomes(outcomes);
    for (int i = 0; i < bindings.size(); i += Vault.MAX_PAGE) {
      set.bindAll(bindings.subList(i, Math.min(bindings.size(), i + Vault.MAX_PAGE)));
    }
    set.freeze("set " + name + " is a replica of a published seal");
    return set.seal(at);
  }

  /**
   * The bindings of a published listing as the lines of a kept one ({@code DATA/seals/<hex>.tsv}):
   * {@code name<TAB>sha512hex}, one per bound variant.
   *
   * @throws IOException when the listing cannot be read
   */
  static List<String> boundLines(byte[] listing) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(new ByteArrayInputStream(listing)), StandardCharsets.UTF_8))) {
      for (String l = in.readLine(); l != null; l = in.readLine()) {
        JsonNode n = l.isBlank() ? null : JSON.readTree(l);
        if (n != null && n.path("blob").isObject()) {
          out.add(n.path("name").asText() + "\t" + n.path("blob").path("sha512").asText());
        }
      }
    }
    return out;
  }

  /** The variant of {@code r} a listing line describes: the one with the same digests and PKGPATHs. */
  private static Variant variantOf(DistfileRecord r, JsonNode n) {
    Digests digests = digests(n.path("digests"));
    List<String> pkgpaths = strings(n.path("pkgpaths"));
    return r.variants().stream()
        .filter(v -> v.digests().equals(digests) && v.pkgpaths().containsAll(pkgpaths))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no variant of " + r.name() + " matches its listing line"));
  }

  private static Digests digests(JsonNode n) {
    Map<String, String> hex = new TreeMap<>();
    n.fields().forEachRemaining(e -> hex.put(e.getKey(), e.getValue().asText()));
    return Digests.fromHex(hex);
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(s -> out.add(s.asText()));
    return out;
  }
}
