package org.distvault.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.distfile.PrefetchOutcome;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.Variant;
import org.distvault.storage.record.VariantRef;
import org.distvault.storage.vault.SourceSet;
import org.distvault.storage.vault.Vault;

/**
 * Fills a real vault the way prefetch does: manifests upserted into the catalog, verified blobs
 * ingested and bound, failed prefetch outcomes recorded. It writes into the catalog directly, as
 * set-up, also under a server that is offline: the seal's freeze is lifted for each write and
 * put back (the API never does that).
 */
final class Catalogue {
  static final Instant PREFETCHED_AT = Instant.parse("2026-11-20T08:00:00Z");

  private final Vault vault;
  private final SourceSet set;

  /** Fills the default set. */
  Catalogue(Vault vault) {
    this(vault, vault.defaultSet());
  }

  private Catalogue(Vault vault, SourceSet set) {
    this.vault = vault;
    this.set = set;
  }

  /** Fills the set {@code name}, created if the store does not have it yet. */
  Catalogue in(String name) {
    return new Catalogue(vault, vault.createSet(SetName.of(name)));
  }

  /** Seals the set (freeze first, as the admin API does) and returns its seal. */
  Seal seal() throws IOException {
    set.freeze("sealed by the test");
    return set.seal(Instant.now());
  }

  /** Deterministic pseudo-random content. */
  static byte[] content(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The SHA-512 and BLAKE2s of {@code bytes}, as a modern distinfo lists them. */
  static Digests distinfoDigests(byte[] bytes) {
    MultiDigester d = MultiDigester.of(EnumSet.of(DigestAlgorithm.SHA512, DigestAlgorithm.BLAKE2S));
    d.update(bytes, 0, bytes.length);
    return d.finish();
  }

  static String sha256Hex(byte[] bytes) {
    MultiDigester d = MultiDigester.of(EnumSet.of(DigestAlgorithm.SHA256));
    d.update(bytes, 0, bytes.length);
    return d.finish().get(DigestAlgorithm.SHA256).orElseThrow().hex();
  }

  static String sha512Hex(byte[] bytes) {
    return distinfoDigests(bytes).get(DigestAlgorithm.SHA512).orElseThrow().hex();
  }

  /** The ETag a hit on {@code bytes} must carry: the first 16 bytes of their SHA-512 in base64url, quoted. */
  static String etag(byte[] bytes) {
    byte[] sha512 = distinfoDigests(bytes).get(DigestAlgorithm.SHA512).orElseThrow().bytes();
    return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha512, 16)) + "\"";
  }

  /** A manifest line: {@code name} expected by {@code pkgpath} with this content, from {@code urls}. */
  Variant expect(String name, String pkgpath, byte[] bytes, String... urls) {
    SourceSet c = set;
    unfrozen(() -> c.expect(List.of(new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(bytes.length),
        distinfoDigests(bytes), Set.of(pkgpath), List.of(urls)))));
    return variantFor(name, pkgpath);
  }

  /** Runs a set-up write even if the catalog is frozen (offline), and freezes it again. */
  private void unfrozen(Runnable write) {
    Optional<String> frozen = set.frozen();
    set.thaw();
    try {
      write.run();
    } finally {
      frozen.ifPresent(set::freeze);
    }
  }

  /** Catalogued, ingested and bound: a hit. */
  Variant present(String name, String pkgpath, byte[] bytes) throws IOException {
    Variant v = expect(name, pkgpath, bytes, "https://upstream.invalid/" + name);
    StoredBlob blob = vault.ingest(new ByteArrayInputStream(bytes), Expectation.of(bytes.length, v.digests()));
    unfrozen(() -> set.bind(new VariantRef(DistfileName.of(name), v.id()), blob.sha512()));
    return variantFor(name, pkgpath);
  }

  /** Catalogued, prefetch failed with {@code reason} (last URL {@code url}): a not-prefetched miss. */
  Variant failed(String name, String pkgpath, byte[] bytes, String url, String reason) {
    Variant v = expect(name, pkgpath, bytes, url);
    unfrozen(() -> set.recordOutcome(new VariantRef(DistfileName.of(name), v.id()),
        PrefetchOutcome.failed(reason, PREFETCHED_AT, url)));
    return variantFor(name, pkgpath);
  }

  Variant variantFor(String name, String pkgpath) {
    DistfileRecord r = set.distfile(DistfileName.of(name)).orElseThrow();
    return r.variantFor(pkgpath).orElseThrow();
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
