package org.distvault.storage.vault;

import static org.distvault.storage.vault.Contents.bytes;
import static org.distvault.storage.vault.Contents.digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.FrozenException;
import org.distvault.storage.record.Seal;
import org.distvault.storage.record.SetSummary;
import org.distvault.storage.record.StoreStats;
import org.distvault.storage.record.VariantRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Source sets: shared blobs, names visible only in their set, a freeze and a seal per set. */
class SourceSetTest {
  static final SetName A = SetName.of("2026Q4");
  static final SetName B = SetName.of("2027Q1");

  @TempDir Path data;

  @Test
  void setNamesAreValidatedWithAReason() {
    assertEquals("2026Q4_x86-64.v2", SetName.of("2026Q4_x86-64.v2").value());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SetName.of("a/b"));
    assertEquals("invalid set name 'a/b': only A-Z, a-z, 0-9, '.', '_' and '-' are allowed", e.getMessage());
    assertEquals("empty", SetName.problem(""));
    assertEquals("longer than 64 characters", SetName.problem("x".repeat(65)));
    assertEquals("'.' and '..' are not set names", SetName.problem(".."));
  }

  @Test
  void aBlobSharedBySetsIsStoredOnceAndEachSetSeesOnlyItsOwnNames() throws IOException {
    byte[] shared = bytes(1, 30_000);
    byte[] onlyB = bytes(2, 20_000);
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      SourceSet b = vault.createSet(B);
      Digest s1 = bindNew(vault, a, "shared-1.0.tar.gz", "devel/shared", shared);
      Digest s2 = bindNew(vault, b, "shared-1.0.tar.gz", "devel/shared", shared);
      bindNew(vault, b, "only-b-2.0.tar.gz", "devel/onlyb", onlyB);
      assertEquals(s1, s2);
      assertEquals(2, vault.stats().blobs());
      assertEquals(2, files(data.resolve("blobs/sha512")).size());

      DistfileName nameB = DistfileName.of("only-b-2.0.tar.gz");
      assertTrue(b.locate(nameB, Optional.empty()).file().isPresent());
      assertTrue(a.locate(nameB, Optional.empty()).file().isEmpty());
      assertTrue(a.distfile(nameB).isEmpty());
      assertTrue(vault.defaultSet().distfile(nameB).isEmpty());
      assertEquals(List.of(DistfileName.of("shared-1.0.tar.gz")), names(a));
      assertEquals(List.of(nameB, DistfileName.of("shared-1.0.tar.gz")), names(b));
      assertEquals(List.of(), names(vault.defaultSet()));
      assertEquals(List.of(A, B, SetName.DEFAULT), vault.sets());
      assertEquals(Optional.empty(), vault.set(SetName.of("nope")));

      SetSummary sb = b.summary();
      assertEquals(new SetSummary(B, sb.created(), 2, 2, 0, 0, 50_000, Optional.empty()), sb);
      assertEquals("filling", sb.state());
    }
  }

  @Test
  void theDefaultSetKeepsTheKeysOfAStoreFromBeforeSets() throws IOException {
    byte[] content = bytes(3, 10_000);
    try (Vault vault = Vault.open(data)) {
      bindNew(vault, vault.defaultSet(), "old-1.0.tgz", "misc/old", content);
      // The default set's catalog calls without a set are the ones a store from before sets used.
      assertTrue(vault.catalog().distfile(DistfileName.of("old-1.0.tgz")).isPresent());
      vault.createSet(A);
      bindNew(vault, vault.set(A).orElseThrow(), "a-1.0.tgz", "misc/a", bytes(4, 100));
      assertEquals(List.of(DistfileName.of("old-1.0.tgz")), names(vault.defaultSet()));
      // Counts cover every set.
      StoreStats stats = vault.recount();
      assertEquals(2, stats.names());
      assertEquals(stats, vault.stats());
    }
  }

  @Test
  void sealingOneSetFreezesOnlyItAndItsDigestIsOverItsBindingsAlone() throws Exception {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      SourceSet b = vault.createSet(B);
      bindNew(vault, a, "a-1.0.tgz", "misc/a", bytes(5, 1000));
      bindNew(vault, b, "b-1.0.tgz", "misc/b", bytes(6, 1000));
      a.freeze("set 2026Q4 is sealed");
      Seal sealA = a.seal(Instant.parse("2026-12-06T10:00:00Z"));
      assertEquals(sha256Lines(a), sealA.digest());
      assertEquals(1, sealA.entries());
      FrozenException frozen = assertThrows(FrozenException.class,
          () -> a.expect(List.of(expected("late-1.0.tgz", "misc/late", bytes(7, 10)))));
      assertTrue(frozen.getMessage().contains("set 2026Q4 is sealed"), frozen.getMessage());
      // B keeps filling.
      bindNew(vault, b, "b-2.0.tgz", "misc/b", bytes(8, 1000));
      assertEquals(Optional.of(sealA), a.sealed());
      assertEquals(Optional.empty(), b.sealed());
      assertEquals(sealA.digest(), sha256Lines(a));
      assertEquals(Map.of(A, sealA), vault.seals());
      assertEquals("sealed", a.summary().state());
    }
  }

  @Test
  void bindsIntoOneSetWhileAnotherIsSealedNeverEnterItsSeal() throws Exception {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      SourceSet b = vault.createSet(B);
      bindNew(vault, a, "a-1.0.tgz", "misc/a", bytes(9, 500));
      List<byte[]> contents = new ArrayList<>();
      List<StoredBlob> blobs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] c = bytes(100 + i, 300);
        contents.add(c);
        blobs.add(vault.ingest(new ByteArrayInputStream(c), Expectation.of(c.length, digests(c))));
        b.expect(List.of(expected("b-" + i + ".tgz", "misc/b" + i, c)));
        a.expect(List.of(expected("b-" + i + ".tgz", "misc/b" + i, c)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      AtomicInteger boundInB = new AtomicInteger();
      AtomicInteger refusedInA = new AtomicInteger();
      try {
        Future<?> binder = pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            DistfileName n = DistfileName.of("b-" + i + ".tgz");
            b.bind(ref(b, n), blobs.get(i).sha512());
            boundInB.incrementAndGet();
            try {
              a.bind(ref(a, n), blobs.get(i).sha512());
            } catch (FrozenException e) {
              refusedInA.incrementAndGet();
            }
          }
          return null;
        });
        Thread.sleep(5);
        a.freeze("set 2026Q4 is sealed");
        Seal seal = a.seal(Instant.now());
        binder.get(30, TimeUnit.SECONDS);
        assertEquals(200, boundInB.get());
        assertEquals(seal.digest(), sha256Lines(a), "nothing entered A's seal after it was taken");
        assertEquals(seal.entries() - 1 + refusedInA.get(), 200);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void everySetsSealSurvivesARestartAndARollbackOfOneIsRefused() throws Exception {
    Seal sealA;
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      vault.createSet(B);
      bindNew(vault, a, "a-1.0.tgz", "misc/a", bytes(10, 500));
      a.freeze("sealed");
      sealA = a.seal(Instant.parse("2026-12-06T10:00:00Z"));
    }
    String state = Files.readString(data.resolve("store.state"));
    assertTrue(state.contains("\"format\" : 2"), state);
    assertTrue(state.contains("\"2026Q4\""), state);
    try (Vault vault = Vault.open(data)) {
      assertEquals(Optional.of(sealA), vault.set(A).orElseThrow().sealed());
      assertEquals(Optional.empty(), vault.set(B).orElseThrow().sealed());
      assertEquals(Optional.empty(), vault.sealed());
      // Behind the seal's back (a catalog rolled back, say): A binds something else now.
      SourceSet a = vault.set(A).orElseThrow();
      bindNew(vault, a, "a-2.0.tgz", "misc/a", bytes(11, 500));
    }
    StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> Vault.open(data));
    assertTrue(e.getMessage().startsWith("the set 2026Q4 is sealed with " + sealA.digest()), e.getMessage());
  }

  @Test
  void unsealingASetWritesFormatOneAgainWhenOnlyTheDefaultSetIsSealed() throws Exception {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      a.seal(Instant.now());
      vault.defaultSet().seal(Instant.now());
      a.unseal();
      assertEquals(Set.of(SetName.DEFAULT), vault.seals().keySet());
    }
    String state = Files.readString(data.resolve("store.state"));
    assertTrue(state.contains("\"format\" : 1"), state);
    try (Vault vault = Vault.open(data)) {
      assertTrue(vault.sealed().isPresent());
      assertTrue(vault.set(A).orElseThrow().sealed().isEmpty());
    }
  }

  @Test
  void recoveryRebindsEverySealedSetFromItsListing() throws Exception {
    Seal sealA;
    Seal sealDefault;
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      bindNew(vault, a, "a-1.0.tgz", "misc/a", bytes(12, 500));
      bindNew(vault, a, "shared.tgz", "misc/s", bytes(13, 500));
      bindNew(vault, vault.defaultSet(), "shared.tgz", "misc/s", bytes(13, 500));
      bindNew(vault, vault.createSet(B), "b.tgz", "misc/b", bytes(14, 500));
      sealA = a.seal(Instant.parse("2026-12-06T10:00:00Z"));
      sealDefault = vault.seal(Instant.parse("2026-12-06T11:00:00Z"));
    }
    try (Vault vault = Vault.open(data, org.distvault.storage.blob.BlobStoreOptions.defaults(), Vault.Start.RECOVER)) {
      assertEquals(Optional.of(sealA), vault.set(A).orElseThrow().sealed());
      assertEquals(Optional.of(sealDefault), vault.sealed());
      assertEquals(sealA.digest(), sha256Lines(vault.set(A).orElseThrow()));
      // A set that was not sealed is not rebuilt: nothing says what it held.
      assertEquals(Optional.empty(), vault.set(B));
      assertTrue(vault.recovery().rebuilt().stream().anyMatch(l -> l.startsWith("seal of set 2026Q4: all 2")),
          vault.recovery().rebuilt().toString());
    }
  }

  @Test
  void deletingASetRemovesItsNamesAndBindingsButNoBlob() throws Exception {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      Digest blob = bindNew(vault, a, "a-1.0.tgz", "misc/a", bytes(15, 500));
      a.seal(Instant.now());
      IllegalStateException sealed = assertThrows(IllegalStateException.class, () -> vault.deleteSet(A));
      assertTrue(sealed.getMessage().startsWith("set 2026Q4 is sealed (sha256:"), sealed.getMessage());
      a.unseal();
      assertEquals(1, vault.deleteSet(A));
      assertEquals(Optional.empty(), vault.set(A));
      assertTrue(vault.blob(blob).isPresent());
      assertFalse(vault.catalog().isBound(blob));
      assertEquals(0, vault.recount().names());
      IllegalArgumentException dflt = assertThrows(IllegalArgumentException.class,
          () -> vault.deleteSet(SetName.DEFAULT));
      assertEquals("the set default cannot be deleted", dflt.getMessage());
      // A request that looked the set up before its deletion writes nothing into it.
      FrozenException late = assertThrows(FrozenException.class,
          () -> a.expect(List.of(expected("late.tgz", "misc/late", bytes(17, 10)))));
      assertTrue(late.getMessage().contains("set 2026Q4 was deleted"), late.getMessage());
      // A set of the same name starts empty, and takes writes.
      SourceSet again = vault.createSet(A);
      assertEquals(List.of(), names(again));
      again.expect(List.of(expected("new.tgz", "misc/new", bytes(18, 10))));
      assertEquals(List.of(DistfileName.of("new.tgz")), names(a));
    }
  }

  @Test
  void aBlobDroppedByScrubStaysBoundOnlyInSealedSets() throws Exception {
    try (Vault vault = Vault.open(data)) {
      SourceSet a = vault.createSet(A);
      SourceSet b = vault.createSet(B);
      byte[] c = bytes(16, 700);
      Digest blob = bindNew(vault, a, "x.tgz", "misc/x", c);
      bindNew(vault, b, "x.tgz", "misc/x", c);
      a.seal(Instant.now());
      Files.delete(vault.file(blob).orElseThrow());
      vault.forgetMissing(blob);
      assertEquals(Optional.of(blob), a.distfile(DistfileName.of("x.tgz")).orElseThrow().variants().get(0).blob());
      assertEquals(Optional.empty(), b.distfile(DistfileName.of("x.tgz")).orElseThrow().variants().get(0).blob());
    }
  }

  // ---- helpers ----

  /** The seal digest as the README computes it: the set's lines, `sort -u | sha256sum`. */
  private static String sha256Lines(SourceSet set) throws Exception {
    TreeSet<String> lines = new TreeSet<>();
    for (DistfileRecord r : set.listDistfiles(Optional.empty(), Vault.MAX_PAGE)) {
      r.variants().forEach(v -> v.blob().ifPresent(d -> lines.add(r.name().value() + "\t" + d.hex() + "\n")));
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    lines.forEach(l -> sha.update(l.getBytes(StandardCharsets.UTF_8)));
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  private static Digest bindNew(Vault vault, SourceSet set, String name, String pkgpath, byte[] content)
      throws IOException {
    set.expect(List.of(expected(name, pkgpath, content)));
    StoredBlob blob = vault.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, digests(content)));
    DistfileName n = DistfileName.of(name);
    DistfileRecord r = set.distfile(n).orElseThrow();
    set.bind(r.ref(r.variantFor(pkgpath).orElseThrow()), blob.sha512());
    return blob.sha512();
  }

  private static VariantRef ref(SourceSet set, DistfileName n) {
    DistfileRecord r = set.distfile(n).orElseThrow();
    return r.ref(r.variants().get(0));
  }

  private static ExpectedDistfile expected(String name, String pkgpath, byte[] content) {
    return new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(content.length), digests(content),
        Set.of(pkgpath), List.of());
  }

  private static List<DistfileName> names(SourceSet set) {
    return set.listDistfiles(Optional.empty(), 100).stream().map(DistfileRecord::name).toList();
  }


  private static List<Path> files(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
