package org.distvault.storage.catalog;

import org.distvault.storage.record.LogKind;

import org.distvault.storage.record.LogEntry;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.record.VariantRef;

import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;

import org.distvault.storage.record.DistfileRecord;

import org.distvault.storage.distfile.PrefetchOutcome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;

/**
 * The stored form of catalog keys (binary, ordered) and values (JSON, for debuggability).
 *
 * <p>Keys, per column family:
 *
 * <ul>
 *   <li>{@code distfiles}: the name's UTF-8 bytes, exactly as pkgsrc writes it, for the set {@code
 *       default}; for any other set, a 0 byte, the set's name, a 0 byte, then the name (no valid
 *       distfile name starts with or holds a 0 byte, so the default set's keys are exactly those
 *       that do not start with one, and every existing catalog is the default set as it is);
 *   <li>{@code blobs}: the 64 SHA-512 bytes;
 *   <li>{@code digests}: algorithm code (1 byte), digest bytes, then the blob's SHA-512 (one key
 *       per blob, so even a SHA-1 collision keeps both blobs findable);
 *   <li>{@code bindings}: SHA-512, the set prefix as in {@code distfiles}, name UTF-8, variant id
 *       (4 bytes big-endian): which variants of which sets are bound to a blob;
 *   <li>{@code logs}: log kind code (1 byte), cursor (8 bytes big-endian); the value is the
 *       commit time in epoch milliseconds (8 bytes) followed by the payload;
 *   <li>{@code state} and {@code meta}: UTF-8 strings.
 * </ul>
 *
 * Values are JSON with lower-case hex digests keyed by URL name and ISO-8601 instants. Unknown
 * JSON fields are ignored so that a newer catalog stays readable.
 */
final class Codec {
  static final int SHA512_BYTES = 64;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .defaultPropertyInclusion(JsonInclude.Value.construct(
              JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private Codec() {}

  // ---- JSON forms (plain types only, so Jackson needs no extra modules) ----

  record OutcomeJson(String status, String reason, String at, String url) {}

  record VariantJson(
      int id,
      Long size,
      Map<String, String> digests,
      Set<String> pkgpaths,
      List<String> urls,
      OutcomeJson lastOutcome,
      String blob) {}

  record DistfileJson(List<VariantJson> variants) {}

  record BlobJson(long size, Map<String, String> digests, String storedAt, String lastVerifiedAt) {}

  // ---- distfiles ----

  static byte[] distfileKey(SetName set, DistfileName name) {
    return concat(setPrefix(set), name.utf8());
  }

  /** The name in a distfile key of any set. */
  static DistfileName distfileName(byte[] key) {
    int start = setPrefixLength(key, 0);
    return DistfileName.of(new String(key, start, key.length - start, StandardCharsets.UTF_8));
  }

  // ---- sets ----

  private static final byte[] NO_PREFIX = new byte[0];

  /** What every distfile key of the set starts with: nothing for the default set. */
  static byte[] setPrefix(SetName set) {
    if (set.isDefault()) {
      return NO_PREFIX;
    }
    byte[] name = utf8(set.value());
    byte[] p = new byte[name.length + 2];
    System.arraycopy(name, 0, p, 1, name.length);
    return p;
  }

  /** The first key of the default set: every key from here on is one of its keys. */
  static final byte[] DEFAULT_SET_START = {1};

  /** The length of the set prefix at {@code offset} of {@code key}: 0 for the default set. */
  private static int setPrefixLength(byte[] key, int offset) {
    if (key.length == offset || key[offset] != 0) {
      return 0;
    }
    for (int i = offset + 1; i < key.length; i++) {
      if (key[i] == 0) {
        return i + 1 - offset;
      }
    }
    throw new CatalogException("corrupt catalog key: a set prefix without its end");
  }

  private static SetName setAt(byte[] key, int offset, int prefixLength) {
    return prefixLength == 0 ? SetName.DEFAULT
        : SetName.of(new String(key, offset + 1, prefixLength - 2, StandardCharsets.UTF_8));
  }

  static byte[] encode(DistfileRecord r) {
    List<VariantJson> vs = new ArrayList<>();
    for (Variant v : r.variants()) {
      OutcomeJson o =
          v.lastOutcome()
              .map(p -> new OutcomeJson(p.status().name(), p.reason(), p.at().toString(),
                  p.url().orElse(null)))
              .orElse(null);
      vs.add(new VariantJson(v.id(), v.size().isPresent() ? v.size().getAsLong() : null,
          v.digests().toHexMap(), v.pkgpaths(), v.urls(), o, v.blob().map(Digest::hex).orElse(null)));
    }
    return write(new DistfileJson(vs));
  }

  static DistfileRecord decodeDistfile(byte[] key, byte[] value) {
    String what = "distfile " + new String(key, StandardCharsets.UTF_8);
    try {
      return decodeDistfile(distfileName(key), read(value, DistfileJson.class, what));
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
    }
  }

  private static DistfileRecord decodeDistfile(DistfileName name, DistfileJson j) {
    List<Variant> vs = new ArrayList<>();
    for (VariantJson v : j.variants()) {
      Optional<PrefetchOutcome> o =
          Optional.ofNullable(v.lastOutcome())
              .map(p -> new PrefetchOutcome(PrefetchOutcome.Status.valueOf(p.status()), p.reason(),
                  Instant.parse(p.at()), Optional.ofNullable(p.url())));
      vs.add(new Variant(v.id(), v.size() == null ? OptionalLong.empty() : OptionalLong.of(v.size()),
          Digests.fromHex(v.digests()), v.pkgpaths(), v.urls(), o,
          Optional.ofNullable(v.blob()).map(h -> Digest.fromHex(DigestAlgorithm.SHA512, h))));
    }
    return new DistfileRecord(name, vs);
  }

  /**
   * The variants of a stored distfile value as {@link VariantContent}s, in stored order: id, size,
   * digests and binding only, read with a streaming parser that skips PKGPATHs, URLs and the
   * outcome (a presence check of 10,000 names reads that many records).
   */
  static List<VariantContent> decodeContents(byte[] key, byte[] value) {
    String what = "distfile " + new String(key, StandardCharsets.UTF_8);
    try (JsonParser p = JSON.getFactory().createParser(value)) {
      List<VariantContent> out = new ArrayList<>(1);
      expect(p.nextToken(), JsonToken.START_OBJECT, what);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!field.equals("variants")) {
          p.skipChildren();
          continue;
        }
        expect(t, JsonToken.START_ARRAY, what);
        while (p.nextToken() == JsonToken.START_OBJECT) {
          out.add(variantContent(p, what));
        }
      }
      return out;
    } catch (IOException | IllegalArgumentException e) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
    }
  }

  /** One variant object, the parser at its START_OBJECT; leaves it at its END_OBJECT. */
  private static VariantContent variantContent(JsonParser p, String what) throws IOException {
    int id = 0;
    OptionalLong size = OptionalLong.empty();
    Map<String, String> digests = new LinkedHashMap<>();
    Optional<Digest> blob = Optional.empty();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> id = p.getIntValue();
        case "size" -> size = t == JsonToken.VALUE_NULL ? OptionalLong.empty() : OptionalLong.of(p.getLongValue());
        case "digests" -> {
          if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String alg = p.currentName();
              p.nextToken();
              digests.put(alg, p.getText());
            }
          }
        }
        case "blob" -> blob = t == JsonToken.VALUE_NULL ? Optional.empty()
            : Optional.of(Digest.fromHex(DigestAlgorithm.SHA512, p.getText()));
        default -> p.skipChildren();
      }
    }
    if (id < 1) {
      throw new IllegalArgumentException("variant id must be positive, got " + id);
    }
    return new VariantContent(id, size, Digests.fromHex(digests), blob);
  }

  private static void expect(JsonToken got, JsonToken want, String what) {
    if (got != want) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + want + " expected, got " + got);
    }
  }

  // ---- blobs and the digest index ----

  static byte[] blobKey(Digest sha512) {
    return sha512.bytes();
  }

  static byte[] encode(BlobRecord b) {
    return write(new BlobJson(b.size(), b.digests().toHexMap(), b.storedAt().toString(),
        b.lastVerifiedAt().toString()));
  }

  static BlobRecord decodeBlob(byte[] key, byte[] value) {
    String what = "blob " + HexFormat.of().formatHex(key);
    try {
      BlobJson j = read(value, BlobJson.class, what);
      return new BlobRecord(Digest.of(DigestAlgorithm.SHA512, key), j.size(),
          Digests.fromHex(j.digests()), Instant.parse(j.storedAt()), Instant.parse(j.lastVerifiedAt()));
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
    }
  }

  /** The stable one-byte code of an algorithm in digest-index keys. */
  static byte algorithmCode(DigestAlgorithm a) {
    return switch (a) {
      case SHA512 -> 1;
      case SHA256 -> 2;
      case BLAKE2S -> 3;
      case SHA1 -> 4;
      case RMD160 -> 5;
    };
  }

  /** The prefix of every digest-index key for this digest. */
  static byte[] digestPrefix(Digest d) {
    byte[] bytes = d.bytes();
    return ByteBuffer.allocate(1 + bytes.length).put(algorithmCode(d.algorithm())).put(bytes).array();
  }

  static byte[] digestKey(Digest d, Digest sha512) {
    return concat(digestPrefix(d), sha512.bytes());
  }

  /** The blob SHA-512 at the end of a digest-index key. */
  static Digest digestKeyBlob(byte[] key) {
    return Digest.of(DigestAlgorithm.SHA512, Arrays.copyOfRange(key, key.length - SHA512_BYTES, key.length));
  }

  // ---- bindings (blob -> variants bound to it) ----

  static byte[] bindingKey(Digest sha512, SetName set, VariantRef ref) {
    byte[] prefix = setPrefix(set);
    byte[] name = ref.name().utf8();
    return ByteBuffer.allocate(SHA512_BYTES + prefix.length + name.length + 4)
        .put(sha512.bytes()).put(prefix).put(name).putInt(ref.variantId()).array();
  }

  /** A variant of a set, as a binding-index key names it. */
  record SetVariant(SetName set, VariantRef ref) {}

  static SetVariant bindingRef(byte[] key) {
    int prefix = setPrefixLength(key, SHA512_BYTES);
    int start = SHA512_BYTES + prefix;
    String name = new String(key, start, key.length - start - 4, StandardCharsets.UTF_8);
    int id = ByteBuffer.wrap(key, key.length - 4, 4).getInt();
    return new SetVariant(setAt(key, SHA512_BYTES, prefix), new VariantRef(DistfileName.of(name), id));
  }

  // ---- logs ----

  static byte[] logKey(LogKind kind, long cursor) {
    return ByteBuffer.allocate(9).put(kind.code()).putLong(cursor).array();
  }

  static long logCursor(byte[] key) {
    return ByteBuffer.wrap(key, 1, 8).getLong();
  }

  static byte[] logValue(Instant at, byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length).putLong(at.toEpochMilli()).put(payload).array();
  }

  static LogEntry decodeLog(LogKind kind, byte[] key, byte[] value) {
    Instant at = Instant.ofEpochMilli(ByteBuffer.wrap(value, 0, 8).getLong());
    return new LogEntry(kind, logCursor(key), at, Arrays.copyOfRange(value, 8, value.length));
  }

  // ---- generic ----

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName()
          + " as JSON: " + e.getMessage(), e);
    }
  }

  static <T> T read(byte[] value, Class<T> type, String what) {
    try {
      return JSON.readValue(value, type);
    } catch (IOException e) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
    }
  }
}
