package org.distvault.storage.catalog;

import static org.distvault.storage.catalog.Fixtures.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.CRC32C;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantContent;
import org.distvault.storage.record.VariantRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * The binary form of distfile and blob values: every field round-trips, values written before it
 * (JSON) still read as the same records, and damaged values are refused naming the record.
 */
class CodecTest {
  private static final Instant AT = Instant.parse("2026-11-22T10:00:00.123456789Z");

  @TempDir Path data;

  /** Every digest algorithm, of {@code content}. */
  private static Digests all(String content) {
    return Fixtures.digestsOf(content);
  }

  private static Digest sha512(String content) {
    return all(content).get(DigestAlgorithm.SHA512).orElseThrow();
  }

  /** A record with every field used, several variants, and non-ASCII text. */
  static DistfileRecord fullRecord() {
    Variant full = new Variant(1, OptionalLong.of(123_456_789_012L), all("one"),
        Set.of("wip/pâté", "devel/a", "x11/ünïcode"),
        List.of("https://例え.jp/ファイル-1.0.tar.gz", "ftp://ftp.example.org/pub/a.tgz"),
        Optional.of(PrefetchOutcome.failed("404 from https://例え.jp/ファイル-1.0.tar.gz: ✗", AT,
            "https://例え.jp/ファイル-1.0.tar.gz")),
        Optional.of(sha512("one")));
    Variant bare = new Variant(2, OptionalLong.empty(), Digests.empty(), Set.of(), List.of(),
        Optional.empty(), Optional.empty());
    Variant okNoUrl = new Variant(3, OptionalLong.of(0), Digests.of(List.of(
        all("three").get(DigestAlgorithm.RMD160).orElseThrow(), sha512("three"))),
        Set.of("cat/three"), List.of("https://e.org/3"),
        Optional.of(new PrefetchOutcome(PrefetchOutcome.Status.OK, "", Instant.ofEpochSecond(-5, 7),
            Optional.empty())), Optional.empty());
    Variant failedNoUrl = new Variant(7, OptionalLong.of(42), all("seven"), Set.of("cat/seven"),
        List.of("https://e.org/7"), Optional.of(PrefetchOutcome.failed("no URL reachable", Instant.EPOCH, null)),
        Optional.of(sha512("seven")));
    return new DistfileRecord(name("ünï-1.0.tar.gz"), List.of(full, bare, okNoUrl, failedNoUrl));
  }

  private static byte[] key(DistfileRecord r) {
    return Codec.distfileKey(SetName.DEFAULT, r.name());
  }

  @Test
  void aDistfileRecordRoundTripsEveryFieldInTheBinaryForm() {
    DistfileRecord r = fullRecord();
    byte[] value = Codec.encode(r);

    assertEquals(Codec.FORMAT_BINARY, value[0]);
    assertEquals(r, Codec.decodeDistfile(key(r), value));
    DistfileRecord decoded = Codec.decodeDistfile(key(r), value);
    assertEquals(List.of("devel/a", "wip/pâté", "x11/ünïcode"), List.copyOf(decoded.variants().get(0).pkgpaths()));
    assertEquals(r.variants().get(0).urls(), decoded.variants().get(0).urls());
    assertEquals(EnumSet.allOf(DigestAlgorithm.class), decoded.variants().get(0).digests().algorithms());
    assertEquals(AT, decoded.variants().get(0).lastOutcome().orElseThrow().at());
    assertEquals(Instant.ofEpochSecond(-5, 7), decoded.variants().get(2).lastOutcome().orElseThrow().at());
  }

  @Test
  void aNewNameIsEncodedAsTheRecordItsExpectationMakes() {
    String longUrl = "https://例え.jp/" + "ファイル/".repeat(200) + "a.tgz";
    List<ExpectedDistfile> cases = List.of(
        new ExpectedDistfile(name("ünï-1.0.tar.gz"), OptionalLong.of(123_456_789_012L), all("one"),
            Set.of("wip/pâté", "devel/a"), List.of("https://例え.jp/ファイル-1.0.tar.gz", "ftp://e.org/a.tgz")),
        new ExpectedDistfile(name("zero.tgz"), OptionalLong.of(0), all("zero"), Set.of("cat/zero"),
            List.of(longUrl, "https://e.org/zero.tgz")),
        new ExpectedDistfile(name("bare.tgz"), OptionalLong.empty(), Digests.empty(), Set.of(), List.of()));
    Codec.NewRecords reused = new Codec.NewRecords();
    List<byte[]> values = new ArrayList<>();
    for (ExpectedDistfile e : cases) {
      DistfileRecord made = Variants.upsert(null, e).record();
      byte[] value = reused.encode(e);
      values.add(value);
      assertArrayEquals(Codec.encode(made), value, e.name().toString());
      assertArrayEquals(value, new Codec.NewRecords().encode(e));
      assertEquals(made, Codec.decodeDistfile(key(made), value));
    }
    // The reused buffer (grown by the long URL) shares no bytes with a value handed out.
    for (int i = 0; i < cases.size(); i++) {
      assertArrayEquals(new Codec.NewRecords().encode(cases.get(i)), values.get(i));
    }
  }

  @Test
  void aValueThatFillsTheReusedBufferExactlyIsStillACopy() {
    ExpectedDistfile exact = null;
    for (int k = 800; exact == null; k++) {
      ExpectedDistfile e = new ExpectedDistfile(name("exact.tgz"), OptionalLong.of(1), all("x"), Set.of("cat/x"),
          List.of("https://e.org/" + "a".repeat(k)));
      int length = new Codec.NewRecords().encode(e).length;
      assertTrue(length <= 1024, "no length of exactly 1024 bytes");
      if (length == 1024) {
        exact = e;
      }
    }
    Codec.NewRecords reused = new Codec.NewRecords();
    byte[] first = reused.encode(exact);
    byte[] copy = first.clone();
    reused.encode(new ExpectedDistfile(name("other.tgz"), OptionalLong.of(2), all("y"), Set.of("cat/y"),
        List.of("https://e.org/" + "b".repeat(900))));
    assertArrayEquals(copy, first);
  }

  @Test
  void contentsOfTheBinaryFormAreIdsSizesDigestsAndBindings() {
    DistfileRecord r = fullRecord();
    List<VariantContent> want = new ArrayList<>();
    for (Variant v : r.variants()) {
      want.add(new VariantContent(v.id(), v.size(), v.digests(), v.blob()));
    }
    assertEquals(want, Codec.decodeContents(key(r), Codec.encode(r)));
  }

  @Test
  void aBlobRecordRoundTripsEveryDigestAndExactTimes() {
    BlobRecord b = new BlobRecord(sha512("blob"), 3_000_000_000L, all("blob"), AT,
        Instant.ofEpochSecond(1_800_000_000L, 999_999_999));
    byte[] value = Codec.encode(b);

    assertEquals(Codec.FORMAT_BINARY, value[0]);
    assertEquals(b, Codec.decodeBlob(Codec.blobKey(b.sha512()), value));
    BlobRecord onlySha512 = BlobRecord.stored(Digests.of(List.of(sha512(""))), 0, Instant.EPOCH);
    assertEquals(onlySha512, Codec.decodeBlob(Codec.blobKey(onlySha512.sha512()), Codec.encode(onlySha512)));
  }

  @Test
  void jsonValuesWrittenBeforeTheBinaryFormDecodeToTheSameRecords() {
    DistfileRecord r = fullRecord();
    assertEquals(r, Codec.decodeDistfile(key(r), LegacyJson.encode(r)));
    List<VariantContent> contents = Codec.decodeContents(key(r), LegacyJson.encode(r));
    assertEquals(Codec.decodeContents(key(r), Codec.encode(r)), contents);

    BlobRecord b = new BlobRecord(sha512("blob"), 4, all("blob"), AT, AT.plusSeconds(1));
    assertEquals(b, Codec.decodeBlob(Codec.blobKey(b.sha512()), LegacyJson.encode(b)));

    // Literally as the catalog stored them before (Jackson, fields in declaration order).
    String hex = sha512("one").hex();
    String distfile = "{\"variants\":[{\"id\":1,\"size\":3,\"digests\":{\"sha512\":\"" + hex + "\"},"
        + "\"pkgpaths\":[\"cat/ä\"],\"urls\":[\"https://e.org/ä.tgz\"],\"lastOutcome\":{\"status\":\"OK\","
        + "\"reason\":\"\",\"at\":\"2026-11-22T10:00:00.123456789Z\",\"url\":\"https://e.org/ä.tgz\"},"
        + "\"blob\":\"" + hex + "\"},{\"id\":2,\"digests\":{},\"pkgpaths\":[],\"urls\":[]}]}";
    DistfileRecord literal = new DistfileRecord(name("ä.tgz"), List.of(
        new Variant(1, OptionalLong.of(3), Digests.of(List.of(sha512("one"))), Set.of("cat/ä"),
            List.of("https://e.org/ä.tgz"), Optional.of(PrefetchOutcome.ok(AT, "https://e.org/ä.tgz")),
            Optional.of(sha512("one"))),
        new Variant(2, OptionalLong.empty(), Digests.empty(), Set.of(), List.of(), Optional.empty(),
            Optional.empty())));
    assertEquals(literal, Codec.decodeDistfile(key(literal), distfile.getBytes(StandardCharsets.UTF_8)));
    String blob = "{\"size\":3,\"digests\":{\"sha512\":\"" + hex + "\"},\"storedAt\":\"2026-11-22T10:00:00Z\","
        + "\"lastVerifiedAt\":\"2026-11-22T10:00:00.123456789Z\"}";
    assertEquals(new BlobRecord(sha512("one"), 3, Digests.empty(), Fixtures.T0, AT),
        Codec.decodeBlob(Codec.blobKey(sha512("one")), blob.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyTruncationOfABinaryValueIsRefusedNamingTheRecord() {
    DistfileRecord r = fullRecord();
    byte[] value = Codec.encode(r);
    BlobRecord b = BlobRecord.stored(all("blob"), 4, AT);
    byte[] blobValue = Codec.encode(b);
    for (int len = 0; len < value.length; len++) {
      byte[] cut = Arrays.copyOf(value, len);
      refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeDistfile(key(r), cut));
      refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeContents(key(r), cut));
    }
    for (int len = 0; len < blobValue.length; len++) {
      byte[] cut = Arrays.copyOf(blobValue, len);
      refused("blob " + b.sha512().hex(), () -> Codec.decodeBlob(Codec.blobKey(b.sha512()), cut));
    }
  }

  @Test
  void everyGarbledByteOfABinaryValueIsRefused() {
    DistfileRecord r = fullRecord();
    byte[] value = Codec.encode(r);
    BlobRecord b = BlobRecord.stored(all("blob"), 4, AT);
    byte[] blobValue = Codec.encode(b);
    for (int i = 0; i < value.length; i++) {
      for (int flip : new int[] {0x01, 0x80, 0xFF}) {
        byte[] bad = value.clone();
        bad[i] ^= (byte) flip;
        refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeDistfile(key(r), bad));
        refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeContents(key(r), bad));
      }
    }
    for (int i = 0; i < blobValue.length; i++) {
      byte[] bad = blobValue.clone();
      bad[i] ^= 0x10;
      refused("blob " + b.sha512().hex(), () -> Codec.decodeBlob(Codec.blobKey(b.sha512()), bad));
    }
  }

  @Test
  void aWellSealedValueWithBadContentIsRefusedToo() {
    DistfileRecord r = fullRecord();
    byte[] body = withoutChecksum(Codec.encode(r));
    byte[] extra = Arrays.copyOf(body, body.length + 1);
    String e = refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeDistfile(key(r), sealed(extra)));
    assertTrue(e.endsWith("1 bytes left over after the value"), e);

    // One variant with undefined flag bits; a count larger than the value.
    byte[] flags = {0x01, 0x01, 0x01, 0x40, 0x00, 0x00, 0x00};
    e = refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeDistfile(key(r), sealed(flags)));
    assertTrue(e.endsWith("unknown variant flags 0x40"), e);
    byte[] count = {0x01, (byte) 0xFF, 0x7F};
    e = refused("distfile ünï-1.0.tar.gz", () -> Codec.decodeContents(key(r), sealed(count)));
    assertTrue(e.contains("truncated binary value: 16383 bytes needed"), e);

    BlobRecord b = BlobRecord.stored(all("blob"), 4, AT);
    byte[] blobBody = withoutChecksum(Codec.encode(b));
    blobBody[3] = 9; // after the format byte, the size and the count: the first algorithm code
    e = refused("blob " + b.sha512().hex(), () -> Codec.decodeBlob(Codec.blobKey(b.sha512()), sealed(blobBody)));
    assertTrue(e.endsWith("unknown digest algorithm code 9"), e);
  }

  @Test
  void aCatalogWithJsonValuesReadsUpdatesAndServesThem() throws Exception {
    Path dir = data.resolve("index");
    DistfileRecord r = fullRecord();
    BlobRecord one = new BlobRecord(sha512("one"), 3, all("one"), Fixtures.T0, Fixtures.T0);
    BlobRecord seven = new BlobRecord(sha512("seven"), 42, all("seven"), Fixtures.T0, Fixtures.T0);
    // A catalog as written before the binary form: JSON values, the indexes, no counters yet.
    RocksStore old = RocksStore.open(dir);
    try (WriteBatch wb = new WriteBatch()) {
      wb.put(old.distfiles, key(r), LegacyJson.encode(r));
      for (BlobRecord b : List.of(one, seven)) {
        wb.put(old.blobs, Codec.blobKey(b.sha512()), LegacyJson.encode(b));
        for (Digest d : b.digests().asMap().values()) {
          if (d.algorithm() != DigestAlgorithm.SHA512) {
            wb.put(old.digests, Codec.digestKey(d, b.sha512()), new byte[0]);
          }
        }
      }
      for (Variant v : r.variants()) {
        if (v.blob().isPresent()) {
          wb.put(old.bindings, Codec.bindingKey(v.blob().get(), SetName.DEFAULT, r.ref(v)), new byte[0]);
        }
      }
      old.writeSynced(wb);
    } finally {
      old.close();
    }

    try (Catalog catalog = Catalog.open(dir)) {
      assertEquals(Optional.of(r), catalog.distfile(r.name()));
      assertEquals(new StoreStats(1, 4, 2, 2, 0, 2, 45), catalog.stats());
      assertEquals(List.of(one), catalog.blobsByDigest(all("one").get(DigestAlgorithm.BLAKE2S).orElseThrow()));
      assertEquals(Codec.decodeContents(key(r), Codec.encode(r)),
          catalog.contents(SetName.DEFAULT, List.of(r.name())).get(0));

      // An update rewrites the record, in the binary form.
      PrefetchOutcome ok = PrefetchOutcome.ok(AT, "https://e.org/3");
      catalog.recordOutcome(new VariantRef(r.name(), 3), ok);
      DistfileRecord updated = r.with(r.variant(3).orElseThrow().withOutcome(ok));
      assertEquals(Optional.of(updated), catalog.distfile(r.name()));
      assertEquals(Codec.FORMAT_BINARY, catalog.committer().store().db.get(catalog.committer().store().distfiles, key(r))[0]);
      BlobRecord again = catalog.putBlob(BlobRecord.stored(all("one"), 3, AT));
      assertEquals(new BlobRecord(one.sha512(), 3, one.digests(), Fixtures.T0, AT), again);
      assertEquals(Optional.of(again), catalog.blob(one.sha512()));
      assertEquals(Optional.of(seven), catalog.blob(seven.sha512()));
    }
    try (Catalog catalog = Catalog.open(dir)) {
      assertEquals(new StoreStats(1, 4, 2, 2, 0, 2, 45), catalog.stats());
      assertEquals(new StoreStats(1, 4, 2, 2, 0, 2, 45), catalog.recount());
    }
  }

  @Test
  void aDamagedBinaryValueInTheCatalogIsRefusedWhenRead() throws Exception {
    Path dir = data.resolve("index");
    DistfileRecord r = fullRecord();
    try (Catalog catalog = Catalog.open(dir)) {
      catalog.upsert(new org.distvault.storage.distfile.ExpectedDistfile(r.name(), OptionalLong.of(1),
          Digests.empty(), Set.of("cat/a"), List.of("https://e.org/a")));
      byte[] value = catalog.committer().store().db.get(catalog.committer().store().distfiles, key(r));
      assertEquals(Codec.FORMAT_BINARY, value[0]);
      value[value.length / 2] ^= 0x20;
      catalog.committer().store().db.put(catalog.committer().store().distfiles, key(r), value);
      var e = assertThrows(CatalogException.class, () -> catalog.distfile(r.name()));
      assertTrue(e.getMessage().contains("corrupt catalog value for distfile ünï-1.0.tar.gz: checksum mismatch"),
          e.getMessage());
    }
  }

  // ---- helpers ----

  /** Asserts that {@code decode} fails as a corrupt value of {@code what}; returns the message. */
  private static String refused(String what, Runnable decode) {
    CatalogException e = assertThrows(CatalogException.class, decode::run);
    assertTrue(e.getMessage().startsWith("corrupt catalog value for " + what + ": "), e.getMessage());
    return e.getMessage();
  }

  private static byte[] withoutChecksum(byte[] value) {
    return Arrays.copyOf(value, value.length - Codec.CHECKSUM_BYTES);
  }

  /** {@code body} with its CRC-32C appended, as the encoder seals a value. */
  private static byte[] sealed(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    int c = (int) crc.getValue();
    byte[] out = Arrays.copyOf(body, body.length + 4);
    out[body.length] = (byte) (c >>> 24);
    out[body.length + 1] = (byte) (c >>> 16);
    out[body.length + 2] = (byte) (c >>> 8);
    out[body.length + 3] = (byte) c;
    return out;
  }

  /** The JSON encoder of distfile and blob values as the catalog had it before the binary form. */
  static final class LegacyJson {
    private LegacyJson() {}

    static byte[] encode(DistfileRecord r) {
      List<Codec.VariantJson> vs = new ArrayList<>();
      for (Variant v : r.variants()) {
        Codec.OutcomeJson o = v.lastOutcome()
            .map(p -> new Codec.OutcomeJson(p.status().name(), p.reason(), p.at().toString(),
                p.url().orElse(null)))
            .orElse(null);
        vs.add(new Codec.VariantJson(v.id(), v.size().isPresent() ? v.size().getAsLong() : null,
            v.digests().toHexMap(), v.pkgpaths(), v.urls(), o, v.blob().map(Digest::hex).orElse(null)));
      }
      return Codec.write(new Codec.DistfileJson(vs));
    }

    static byte[] encode(BlobRecord b) {
      return Codec.write(new Codec.BlobJson(b.size(), b.digests().toHexMap(), b.storedAt().toString(),
          b.lastVerifiedAt().toString()));
    }
  }
}
