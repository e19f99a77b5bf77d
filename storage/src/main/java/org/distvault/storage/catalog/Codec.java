package org.distvault.storage.catalog;

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
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.CRC32C;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.LogEntry;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.record.VariantRef;

/**
 * The stored form of catalog keys (binary, ordered) and values.
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
 * Distfile and blob values are binary (since 2026-12): a first byte {@link #FORMAT_BINARY} (no JSON
 * value starts with it), the fields in a fixed order (unsigned LEB128 varints, zigzag varints for
 * signed numbers, digests as an algorithm code of {@link #algorithmCode} and the raw bytes, strings
 * as a varint byte length and UTF-8, instants as epoch seconds and nanoseconds: exact), and a
 * CRC-32C of everything before it (4 bytes, big-endian). A value that fails the checksum, ends
 * early or has bytes left over is refused as corrupt; see docs/storage.md for the layout. Values
 * written before, JSON with lower-case hex digests keyed by URL name and ISO-8601 instants, are
 * read as they are (told apart by the first byte) and rewritten in the binary form only when their
 * record is written anyway. Unknown JSON fields are ignored so that a newer catalog stays readable.
 * The other values (counters, state, log payloads) are JSON.
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
    // The default set's keys are the bare names: no copy onto an empty prefix (a key per entry
    // of every manifest chunk, twice).
    return set.isDefault() ? name.utf8() : concat(setPrefix(set), name.utf8());
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
    Out out = new Out(64 + 160 * r.variants().size());
    out.u8(FORMAT_BINARY);
    out.varint(r.variants().size());
    for (Variant v : r.variants()) {
      variant(out, v.id(), v.size(), v.digests(), v.pkgpaths(), v.urls(), v.lastOutcome(), v.blob());
    }
    return out.sealed();
  }

  /**
   * What {@link #encode(DistfileRecord)} makes of the record of a name new to its set with an
   * expectation as its one variant (id 1, unbound, no outcome), without building that record; for
   * many names (a first manifest's every line) through one buffer, reused: each value is then one
   * exact-size copy of it, not a buffer grown and trimmed. One thread.
   */
  static final class NewRecords {
    private final Out out = new Out(1024);

    byte[] encode(ExpectedDistfile e) {
      out.reset();
      out.u8(FORMAT_BINARY);
      out.varint(1);
      variant(out, 1, e.size(), e.digests(), e.pkgpaths(), e.urls(), Optional.empty(), Optional.empty());
      return out.sealedCopy();
    }
  }

  private static void variant(Out out, int id, OptionalLong size, Digests digests, Collection<String> pkgpaths,
      Collection<String> urls, Optional<PrefetchOutcome> o, Optional<Digest> blob) {
    int flags = (size.isPresent() ? HAS_SIZE : 0) | (o.isPresent() ? HAS_OUTCOME : 0)
        | (blob.isPresent() ? HAS_BLOB : 0)
        | (o.isPresent() && o.get().url().isPresent() ? HAS_OUTCOME_URL : 0);
    out.varint(id);
    out.u8(flags);
    if (size.isPresent()) {
      out.signed(size.getAsLong());
    }
    out.digests(digests, null);
    out.strings(pkgpaths);
    out.strings(urls);
    if (o.isPresent()) {
      PrefetchOutcome p = o.get();
      out.u8(p.status() == PrefetchOutcome.Status.OK ? 0 : 1);
      out.string(p.reason());
      out.instant(p.at());
      if (p.url().isPresent()) {
        out.string(p.url().get());
      }
    }
    if (blob.isPresent()) {
      out.bytes(blob.get().bytes());
    }
  }

  static DistfileRecord decodeDistfile(byte[] key, byte[] value) {
    String what = "distfile " + new String(key, StandardCharsets.UTF_8);
    try {
      if (isBinary(value, what)) {
        return decodeDistfile(distfileName(key), new In(value));
      }
      return decodeDistfile(distfileName(key), read(value, DistfileJson.class, what));
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
    }
  }

  private static DistfileRecord decodeDistfile(DistfileName name, In in) {
    int n = in.count();
    List<Variant> vs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Head h = in.head();
      int flags = h.flags();
      List<String> pkgpaths = in.strings();
      List<String> urls = in.strings();
      Optional<PrefetchOutcome> outcome = Optional.empty();
      if ((flags & HAS_OUTCOME) != 0) {
        PrefetchOutcome.Status status = in.status();
        String reason = in.string();
        Instant at = in.instant();
        Optional<String> url = (flags & HAS_OUTCOME_URL) != 0 ? Optional.of(in.string()) : Optional.empty();
        outcome = Optional.of(new PrefetchOutcome(status, reason, at, url));
      }
      Optional<Digest> blob = (flags & HAS_BLOB) != 0
          ? Optional.of(Digest.of(DigestAlgorithm.SHA512, in.bytes(SHA512_BYTES))) : Optional.empty();
      vs.add(new Variant(h.id(), h.size(), h.digests(), new LinkedHashSet<>(pkgpaths), urls, outcome, blob));
    }
    in.end();
    return new DistfileRecord(name, vs);
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
    if (isBinary(value, what)) {
      try {
        return contents(new In(value));
      } catch (IllegalArgumentException | DateTimeException e) {
        throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
      }
    }
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

  /** {@link #decodeContents} of a binary value: skips PKGPATHs, URLs and the outcome. */
  private static List<VariantContent> contents(In in) {
    int n = in.count();
    List<VariantContent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Head h = in.head();
      int flags = h.flags();
      in.skipStrings();
      in.skipStrings();
      if ((flags & HAS_OUTCOME) != 0) {
        in.status();
        in.skipString();
        in.instant();
        if ((flags & HAS_OUTCOME_URL) != 0) {
          in.skipString();
        }
      }
      Optional<Digest> blob = (flags & HAS_BLOB) != 0
          ? Optional.of(Digest.of(DigestAlgorithm.SHA512, in.bytes(SHA512_BYTES))) : Optional.empty();
      if (h.id() < 1) {
        throw new IllegalArgumentException("variant id must be positive, got " + h.id());
      }
      out.add(new VariantContent(h.id(), h.size(), h.digests(), blob));
    }
    in.end();
    return out;
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
    Out out = new Out(32 + 40 * b.digests().asMap().size());
    out.u8(FORMAT_BINARY);
    out.varint(b.size());
    out.digests(b.digests(), DigestAlgorithm.SHA512); // the key is the SHA-512
    out.instant(b.storedAt());
    out.instant(b.lastVerifiedAt());
    return out.sealed();
  }

  static BlobRecord decodeBlob(byte[] key, byte[] value) {
    String what = "blob " + HexFormat.of().formatHex(key);
    try {
      Digest sha512 = Digest.of(DigestAlgorithm.SHA512, key);
      if (isBinary(value, what)) {
        In in = new In(value);
        long size = in.varint();
        Digests digests = in.digests(sha512);
        Instant storedAt = in.instant();
        Instant lastVerifiedAt = in.instant();
        in.end();
        return new BlobRecord(sha512, size, digests, storedAt, lastVerifiedAt);
      }
      BlobJson j = read(value, BlobJson.class, what);
      return new BlobRecord(sha512, j.size(),
          Digests.fromHex(j.digests()), Instant.parse(j.storedAt()), Instant.parse(j.lastVerifiedAt()));
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new CatalogException("corrupt catalog value for " + what + ": " + e.getMessage(), e);
    }
  }

  /** The algorithm of a {@link #algorithmCode}. */
  static DigestAlgorithm algorithmOf(int code) {
    return switch (code) {
      case 1 -> DigestAlgorithm.SHA512;
      case 2 -> DigestAlgorithm.SHA256;
      case 3 -> DigestAlgorithm.BLAKE2S;
      case 4 -> DigestAlgorithm.SHA1;
      case 5 -> DigestAlgorithm.RMD160;
      default -> throw new IllegalArgumentException("unknown digest algorithm code " + code);
    };
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

  // ---- the binary value format ----

  /** The first byte of a binary value (a JSON value starts with {@code '{'}). */
  static final int FORMAT_BINARY = 0x01;

  private static final int HAS_SIZE = 1;
  private static final int HAS_OUTCOME = 2;
  private static final int HAS_BLOB = 4;
  private static final int HAS_OUTCOME_URL = 8;
  private static final int FLAGS = HAS_SIZE | HAS_OUTCOME | HAS_BLOB | HAS_OUTCOME_URL;

  /** Bytes of the CRC-32C that ends a binary value. */
  static final int CHECKSUM_BYTES = 4;

  /**
   * Whether {@code value} is in the binary format (else it is JSON, as written before it); an empty
   * value is neither.
   */
  private static boolean isBinary(byte[] value, String what) {
    if (value.length == 0) {
      throw new CatalogException("corrupt catalog value for " + what + ": empty");
    }
    return value[0] == FORMAT_BINARY;
  }

  /** What a binary variant starts with: its id, flags, size and digests. */
  private record Head(int id, int flags, OptionalLong size, Digests digests) {}

  /** A binary value being written; {@link #sealed} appends the checksum. */
  private static final class Out {
    private byte[] buf;
    private int n;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void room(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    void u8(int b) {
      room(1);
      buf[n++] = (byte) b;
    }

    /** An unsigned LEB128 varint. */
    void varint(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[n++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[n++] = (byte) v;
    }

    /** A zigzag varint. */
    void signed(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void bytes(byte[] b) {
      room(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length);
      bytes(b);
    }

    void strings(Collection<String> ss) {
      varint(ss.size());
      for (String s : ss) {
        string(s);
      }
    }

    /** Count, then per digest its algorithm code and bytes; {@code skip} is left out. */
    void digests(Digests ds, DigestAlgorithm skip) {
      Map<DigestAlgorithm, Digest> m = ds.asMap();
      u8(m.size() - (skip != null && m.containsKey(skip) ? 1 : 0));
      for (Digest d : m.values()) {
        if (d.algorithm() != skip) {
          u8(algorithmCode(d.algorithm()));
          bytes(d.bytes());
        }
      }
    }

    /** Epoch seconds (zigzag varint) and nanoseconds (varint): exact. */
    void instant(Instant t) {
      signed(t.getEpochSecond());
      varint(t.getNano());
    }

    /** The value with its CRC-32C (big-endian) appended. */
    byte[] sealed() {
      CRC32C crc = new CRC32C();
      crc.update(buf, 0, n);
      room(CHECKSUM_BYTES);
      int c = (int) crc.getValue();
      buf[n++] = (byte) (c >>> 24);
      buf[n++] = (byte) (c >>> 16);
      buf[n++] = (byte) (c >>> 8);
      buf[n++] = (byte) c;
      return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /** As {@link #sealed}, always a copy, so that this buffer can be {@link #reset} and reused. */
    byte[] sealedCopy() {
      byte[] value = sealed();
      return value == buf ? value.clone() : value;
    }

    void reset() {
      n = 0;
    }
  }

  /**
   * A binary value being read: the checksum is verified first, and every length and count is
   * checked against the bytes left, so a damaged value fails ({@link IllegalArgumentException},
   * which the callers report as a corrupt value) and never decodes to something else.
   */
  private static final class In {
    private final byte[] buf;
    private final int end;
    private int pos = 1;

    In(byte[] value) {
      if (value.length < 1 + CHECKSUM_BYTES) {
        throw new IllegalArgumentException("binary value of " + value.length + " bytes is truncated");
      }
      end = value.length - CHECKSUM_BYTES;
      CRC32C crc = new CRC32C();
      crc.update(value, 0, end);
      int stored = ((value[end] & 0xFF) << 24) | ((value[end + 1] & 0xFF) << 16)
          | ((value[end + 2] & 0xFF) << 8) | (value[end + 3] & 0xFF);
      if ((int) crc.getValue() != stored) {
        throw new IllegalArgumentException("checksum mismatch (damaged or truncated binary value)");
      }
      buf = value;
    }

    private void need(long k) {
      if (k < 0 || k > end - pos) {
        throw new IllegalArgumentException("truncated binary value: " + k + " bytes needed at offset "
            + pos + ", " + (end - pos) + " left");
      }
    }

    int u8() {
      need(1);
      return buf[pos++] & 0xFF;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (shift == 63 && b > 1) {
            break;
          }
          return v;
        }
      }
      throw new IllegalArgumentException("varint too long at offset " + pos);
    }

    int varintInt() {
      long v = varint();
      if (v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("number " + v + " out of range at offset " + pos);
      }
      return (int) v;
    }

    /** A count of items each taking at least one byte: never more than the bytes left. */
    int count() {
      int c = varintInt();
      need(c);
      return c;
    }

    long signed() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    int flags() {
      int f = u8();
      if ((f & ~FLAGS) != 0 || (f & HAS_OUTCOME_URL) != 0 && (f & HAS_OUTCOME) == 0) {
        throw new IllegalArgumentException("unknown variant flags 0x" + Integer.toHexString(f));
      }
      return f;
    }

    byte[] bytes(int k) {
      need(k);
      byte[] b = Arrays.copyOfRange(buf, pos, pos + k);
      pos += k;
      return b;
    }

    String string() {
      int len = varintInt();
      need(len);
      String s = new String(buf, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    void skipString() {
      int len = varintInt();
      need(len);
      pos += len;
    }

    List<String> strings() {
      int c = count();
      List<String> out = new ArrayList<>(c);
      for (int i = 0; i < c; i++) {
        out.add(string());
      }
      return out;
    }

    void skipStrings() {
      for (int c = count(); c > 0; c--) {
        skipString();
      }
    }

    /** Digests as {@link Out#digests} wrote them, plus {@code extra} if given. */
    Digests digests(Digest extra) {
      int c = count();
      List<Digest> ds = new ArrayList<>(c + 1);
      if (extra != null) {
        ds.add(extra);
      }
      for (int i = 0; i < c; i++) {
        DigestAlgorithm a = algorithmOf(u8());
        need(a.length());
        ds.add(Digest.of(a, bytes(a.length())));
      }
      return Digests.of(ds);
    }

    Instant instant() {
      long seconds = signed();
      long nanos = varint();
      if (nanos > 999_999_999L) {
        throw new IllegalArgumentException("nanoseconds " + nanos + " out of range");
      }
      return Instant.ofEpochSecond(seconds, nanos);
    }

    PrefetchOutcome.Status status() {
      int b = u8();
      return switch (b) {
        case 0 -> PrefetchOutcome.Status.OK;
        case 1 -> PrefetchOutcome.Status.FAILED;
        default -> throw new IllegalArgumentException("unknown outcome status " + b);
      };
    }

    Head head() {
      int id = varintInt();
      int flags = flags();
      OptionalLong size = (flags & HAS_SIZE) != 0 ? OptionalLong.of(signed()) : OptionalLong.empty();
      return new Head(id, flags, size, digests(null));
    }

    /** Fails unless every byte before the checksum was read. */
    void end() {
      if (pos != end) {
        throw new IllegalArgumentException((end - pos) + " bytes left over after the value");
      }
    }
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
