package org.distvault.storage.vault;

import static org.distvault.storage.vault.Contents.bytes;
import static org.distvault.storage.vault.Contents.digests;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.record.VariantRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory cache of {@link Vault#locate} answers never outlives a write: after an unbind,
 * a PKGPATH moving to other content, a re-bind or a scrub removal, locate answers as the
 * catalog does. Real RocksDB and blob files.
 */
class LocateCacheTest {
  private static final DistfileName NAME = DistfileName.of("foo-1.0.tar.gz");
  private static final String PKG = "devel/foo";

  @TempDir Path data;

  @Test
  void aHitIsCachedAndAnsweredAsTheCatalogDoes() throws IOException {
    byte[] a = bytes(1, 5000);
    try (Vault vault = Vault.open(data)) {
      Digest sha = bindNew(vault, NAME, PKG, a);
      Vault.Located first = vault.locate(NAME, Optional.of(PKG));
      Vault.Located again = vault.locate(NAME, Optional.of(PKG));
      assertSame(first, again, "the second answer comes from the cache");
      assertEquals(Optional.of(sha), again.blob().map(b -> b.sha512()));
      assertArrayEquals(a, Files.readAllBytes(again.file().orElseThrow()));
      // The route key includes the PKGPATH: /distfiles/ (no PKGPATH) is its own entry.
      Vault.Located bare = vault.locate(NAME, Optional.empty());
      assertEquals(Resolution.Match.ONLY_VARIANT, bare.resolution().match());
      assertEquals(Resolution.Match.PKGPATH, again.resolution().match());
    }
  }

  @Test
  void aPkgpathMovedToOtherContentIsNeverAnsweredWithTheOldBlob() throws IOException {
    byte[] a = bytes(2, 5000);
    byte[] b = bytes(3, 6000);
    try (Vault vault = Vault.open(data)) {
      Digest shaA = bindNew(vault, NAME, PKG, a);
      assertEquals(shaA, vault.locate(NAME, Optional.of(PKG)).blob().orElseThrow().sha512());
      // A new manifest: the package now expects other content under the same name. The PKGPATH
      // moves to a new, unbound variant; the old blob must not be served for it.
      vault.catalog().upsert(expected(NAME, PKG, b));
      Vault.Located moved = vault.locate(NAME, Optional.of(PKG));
      assertEquals(Resolution.Match.PKGPATH, moved.resolution().match());
      assertTrue(moved.file().isEmpty(), "new variant is not bound yet: " + moved);
      // Bound to its own blob: served, and again from the cache.
      Digest shaB = ingestAndBind(vault, NAME, PKG, b);
      Vault.Located rebound = vault.locate(NAME, Optional.of(PKG));
      assertEquals(shaB, rebound.blob().orElseThrow().sha512());
      assertArrayEquals(b, Files.readAllBytes(rebound.file().orElseThrow()));
      assertSame(rebound, vault.locate(NAME, Optional.of(PKG)));
    }
  }

  @Test
  void aBlobDroppedByScrubIsNeverAnsweredAgain() throws IOException {
    byte[] a = bytes(4, 50_000);
    try (Vault vault = Vault.open(data)) {
      Digest sha = bindNew(vault, NAME, PKG, a);
      Path file = vault.locate(NAME, Optional.of(PKG)).file().orElseThrow();
      assertTrue(vault.locate(NAME, Optional.empty()).file().isPresent());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      byte[] flipped = Files.readAllBytes(file);
      flipped[100] ^= 0x01;
      Files.write(file, flipped);

      assertEquals(1, vault.scrub().corrupt().size());
      for (Optional<String> pkgpath : List.of(Optional.of(PKG), Optional.<String>empty())) {
        Vault.Located after = vault.locate(NAME, pkgpath);
        assertTrue(after.file().isEmpty(), "quarantined blob still located for " + pkgpath + ": " + after);
        assertTrue(after.blob().isEmpty());
      }
      // Stored again after the scrub (a new prefetch): served again.
      Digest again = ingestAndBind(vault, NAME, PKG, a);
      assertEquals(sha, again);
      assertArrayEquals(a, Files.readAllBytes(vault.locate(NAME, Optional.of(PKG)).file().orElseThrow()));
    }
  }

  @Test
  void aBlobRemovedFromTheCatalogIsNeverAnsweredAgain() throws IOException {
    byte[] a = bytes(5, 7000);
    try (Vault vault = Vault.open(data)) {
      Digest sha = bindNew(vault, NAME, PKG, a);
      assertTrue(vault.locate(NAME, Optional.of(PKG)).file().isPresent());
      assertEquals(1, vault.catalog().removeBlob(sha).size());
      assertTrue(vault.locate(NAME, Optional.of(PKG)).file().isEmpty());
    }
  }

  @Test
  void missesAreNotCached() throws IOException {
    try (Vault vault = Vault.open(data)) {
      for (int i = 0; i < 50; i++) {
        DistfileName unknown = DistfileName.of("unknown-" + i + ".tar.gz");
        assertEquals(Resolution.Match.UNKNOWN, vault.locate(unknown, Optional.empty()).resolution().match());
      }
      vault.catalog().upsert(expected(NAME, PKG, bytes(6, 100)));
      assertTrue(vault.locate(NAME, Optional.of(PKG)).file().isEmpty());
      assertEquals(0, cacheSize(vault));
    }
  }

  @Test
  void aClosedVaultRefusesLocateEvenForACachedName() throws IOException {
    Vault vault = Vault.open(data);
    bindNew(vault, NAME, PKG, bytes(7, 100));
    assertTrue(vault.locate(NAME, Optional.of(PKG)).file().isPresent());
    vault.close();
    assertThrows(IllegalStateException.class, () -> vault.locate(NAME, Optional.of(PKG)));
  }

  @Test
  void anAnswerReadWhileAWriteCompletedIsStaleFromTheStart() {
    // The race the generation stamp closes: the catalog is read, a write completes before the
    // answer is stored. The stored answer must not be used afterwards.
    AtomicLong generation = new AtomicLong(7);
    AtomicInteger reads = new AtomicInteger();
    LocateCache cache = new LocateCache(generation::get, 10);
    Vault.Located answer = located(NAME);
    Vault.Located first = cache.locate(SetName.DEFAULT, NAME, Optional.empty(), () -> {
      reads.incrementAndGet();
      generation.incrementAndGet(); // a bind completes while this read runs
      return answer;
    });
    assertSame(answer, first);
    cache.locate(SetName.DEFAULT, NAME, Optional.empty(), () -> {
      reads.incrementAndGet();
      return answer;
    });
    assertEquals(2, reads.get(), "the answer read across a write was used from the cache");
    cache.locate(SetName.DEFAULT, NAME, Optional.empty(), () -> {
      reads.incrementAndGet();
      return answer;
    });
    assertEquals(2, reads.get(), "an answer read without a write in between is cached");
  }

  @Test
  void theCacheStaysWithinItsBound() {
    LocateCache cache = new LocateCache(() -> 0, 8);
    for (int i = 0; i < 100; i++) {
      DistfileName n = DistfileName.of("n-" + i + ".tar.gz");
      cache.locate(SetName.DEFAULT, n, Optional.empty(), () -> located(n));
      assertTrue(cache.size() <= 8, "size " + cache.size());
    }
    assertFalse(cache.size() == 0);
  }

  /** An answer with a blob and a file, for the unit tests of the cache alone. */
  private Vault.Located located(DistfileName name) {
    Digests d = digests(bytes(name.value().hashCode(), 10));
    var blob = org.distvault.storage.record.BlobRecord.stored(d, 10, java.time.Instant.EPOCH);
    return new Vault.Located(
        new Resolution(name, Resolution.Match.UNKNOWN, Optional.empty(), List.of()),
        Optional.of(blob), Optional.of(data.resolve(name.value())));
  }

  private static int cacheSize(Vault vault) {
    return vault.locateCacheSize();
  }

  private static ExpectedDistfile expected(DistfileName name, String pkgpath, byte[] content) {
    return new ExpectedDistfile(name, OptionalLong.of(content.length), digests(content), Set.of(pkgpath), List.of());
  }

  /** Upserts {@code name} for {@code pkgpath} expecting {@code content}, ingests and binds it. */
  private static Digest bindNew(Vault vault, DistfileName name, String pkgpath, byte[] content)
      throws IOException {
    vault.catalog().upsert(expected(name, pkgpath, content));
    return ingestAndBind(vault, name, pkgpath, content);
  }

  private static Digest ingestAndBind(Vault vault, DistfileName name, String pkgpath, byte[] content)
      throws IOException {
    StoredBlob blob = vault.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, digests(content)));
    DistfileRecord r = vault.catalog().distfile(name).orElseThrow();
    VariantRef ref = r.ref(r.variantFor(pkgpath).orElseThrow());
    vault.catalog().bind(ref, blob.sha512());
    return blob.sha512();
  }
}
