package org.distvault.storage.catalog;

import org.distvault.storage.record.BlobRecord;

import org.distvault.storage.distfile.ExpectedDistfile;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.name.DistfileName;

/** Real distinfo values and small builders shared by the catalog tests. */
final class Fixtures {
  private Fixtures() {}

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /** wip/pheanstalk/distinfo: v2.1.0.tar.gz (RMD160 + SHA512 + Size). */
  static final Digests PHEANSTALK =
      Digests.fromHex(Map.of(
          "RMD160", "5565861b386e68812033f08d8e93be91e216b29c",
          "SHA512", "ff61823c94b7852ae43a8351285f393e02be5e29700af92cda41887675bf9171e2df17bef61e41ec0480d52500a92694e70ec53cda76e20bfb148e6f96fe9f68"));

  /** wip/boron/distinfo: v2.1.0.tar.gz (BLAKE2s + SHA512 + Size), different content. */
  static final Digests BORON =
      Digests.fromHex(Map.of(
          "BLAKE2s", "7517336dcf6d8742f55a2defa706ab54b7371453a0040954c9afca9bb0db3ece",
          "SHA512", "1a484ca0be279d6d060b0816eee06c0154c6234930fd8d0d20d5708c6bf50d16399d0cead900119bc9cdfdb16ac9eb4a09df7f83f53bb9e01f81ebf6b62575c5"));

  static DistfileName name(String n) {
    return DistfileName.of(n);
  }

  static ExpectedDistfile expected(String name, long size, Digests digests, String pkgpath, String... urls) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(size), digests,
        Set.of(pkgpath), List.of(urls));
  }

  /** Every digest of {@code content}, as the blob store computes them at ingest. */
  static Digests digestsOf(String content) {
    MultiDigester d = MultiDigester.of(EnumSet.allOf(DigestAlgorithm.class));
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    d.update(b, 0, b.length);
    return d.finish();
  }

  /** Only the digests a modern distinfo lists (BLAKE2s + SHA512). */
  static Digests distinfoDigestsOf(String content) {
    Digests all = digestsOf(content);
    return Digests.of(List.of(all.get(DigestAlgorithm.BLAKE2S).orElseThrow(),
        all.get(DigestAlgorithm.SHA512).orElseThrow()));
  }

  static BlobRecord blobOf(String content) {
    return BlobRecord.stored(digestsOf(content), content.getBytes(StandardCharsets.UTF_8).length, T0);
  }

  static long size(String content) {
    return content.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Orders names as the catalog stores them: by UTF-8 bytes, unsigned. */
  static int byUtf8(DistfileName a, DistfileName b) {
    return java.util.Arrays.compareUnsigned(a.utf8(), b.utf8());
  }

  /** A distfile expecting {@code content}, and its blob stored (unbound): returns the blob. */
  static BlobRecord storeAndExpect(Catalog catalog, String name, String content, String pkgpath) {
    catalog.upsert(expected(name, size(content), distinfoDigestsOf(content), pkgpath));
    return catalog.putBlob(blobOf(content));
  }

  /** The blob the first variant of {@code name} is bound to. */
  static Optional<Digest> boundBlob(Catalog catalog, String name) {
    return catalog.distfile(name(name)).orElseThrow().variants().get(0).blob();
  }
}
