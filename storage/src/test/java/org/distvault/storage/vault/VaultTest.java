package org.distvault.storage.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.distvault.storage.TestData;
import org.distvault.storage.blob.BlobStore;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.ScrubReport;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.catalog.Catalog;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.record.Resolution;
import org.distvault.storage.record.VariantRef;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.distvault.storage.digest.DigestMismatchException;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.digest.MultiDigester;
import org.distvault.storage.distinfo.DistfileEntry;
import org.distvault.storage.distinfo.Distinfo;
import org.distvault.storage.distinfo.DistinfoParser;
import org.distvault.storage.name.DistfileName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault keeps blob files and catalog in agreement: ingest, resolve, start-up repair, scrub. */
class VaultTest {
  @TempDir Path data;

  @Test
  void ingestRecordsTheBlobWithEveryComputedDigest() throws IOException {
    byte[] content = bytes(1, 200_000);
    Digests want = digests(content, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512);
    try (Vault vault = Vault.open(data)) {
      StoredBlob blob = vault.ingest(in(content), Expectation.of(content.length, want));
      var record = vault.catalog().blob(blob.sha512()).orElseThrow();
      assertEquals(content.length, record.size());
      assertEquals(
          EnumSet.of(DigestAlgorithm.SHA512, DigestAlgorithm.SHA256, DigestAlgorithm.BLAKE2S),
          record.digests().algorithms());
      assertEquals(want.get(DigestAlgorithm.BLAKE2S), record.digests().get(DigestAlgorithm.BLAKE2S));
      // The digest index finds it by any computed algorithm.
      Digest sha256 = digests(content, DigestAlgorithm.SHA256).get(DigestAlgorithm.SHA256).orElseThrow();
      assertEquals(blob.sha512(), vault.findByDigest(sha256).orElseThrow().sha512());
    }
  }

  @Test
  void rejectedIngestLeavesNeitherFileNorRecord() throws IOException {
    byte[] content = bytes(2, 50_000);
    Digests wrong = digests(bytes(3, 50_000), DigestAlgorithm.SHA512);
    try (Vault vault = Vault.open(data)) {
      DigestMismatchException e =
          assertThrows(
              DigestMismatchException.class,
              () -> vault.ingest(in(content), Expectation.of(content.length, wrong)));
      assertEquals(DigestAlgorithm.SHA512, e.expected().algorithm());
      assertEquals(0, vault.catalog().stats().blobs());
      assertEquals(List.of(), files(data.resolve("blobs/sha512")));
      assertEquals(List.of(), files(data.resolve("tmp")));
    }
  }

  @Test
  void realDistinfoNamesRoundTripExactlyThroughIngestBindAndResolve() throws IOException {
    // Names from real distinfo files: a literal %2B, a multi-level DIST_SUBDIR, Go-module @.
    List<String> names = new ArrayList<>();
    for (String file : List.of("wip/mysql++/distinfo", "wip/influxdb/distinfo")) {
      Distinfo d = DistinfoParser.parse(TestData.curatedDistinfo().resolve(file));
      for (DistfileEntry e : d.distfiles().subList(0, Math.min(3, d.distfiles().size()))) {
        names.add(e.name().value());
      }
    }
    names.add("suse100/i586/alsa-1.0.9-23.2.i586.rpm");
    assertTrue(names.contains("mysql%2B%2B-3.3.0.tar.gz"), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.contains("@")), names.toString());
    try (Vault vault = Vault.open(data)) {
      int seed = 10;
      for (String n : names) {
        byte[] content = bytes(seed++, 1000 + seed);
        bindNew(vault, n, "cat/pkg" + seed, content);
      }
    }
    try (Vault vault = Vault.open(data)) {
      List<String> listed = new ArrayList<>();
      for (DistfileRecord r : vault.catalog().listDistfiles(Optional.empty(), 1000)) {
        listed.add(r.name().value());
        assertArrayEquals(r.name().value().getBytes(StandardCharsets.UTF_8), r.name().utf8());
      }
      assertEquals(names.stream().sorted().toList(), listed);
      for (String n : names) {
        Vault.Located at = vault.locate(DistfileName.of(n), Optional.empty());
        assertTrue(at.file().isPresent(), n);
      }
      // Not percent-decoded: the decoded spelling is a different, unknown name.
      assertEquals(
          Resolution.Match.UNKNOWN,
          vault.locate(DistfileName.of("mysql++-3.3.0.tar.gz"), Optional.empty()).resolution().match());
    }
  }

  @Test
  void sameBareNameWithDifferentContentResolvesPerPkgpath() throws IOException {
    // wip/pheanstalk and wip/boron both list v2.1.0.tar.gz with different checksums.
    byte[] pheanstalk = bytes(20, 3000);
    byte[] boron = bytes(21, 4000);
    try (Vault vault = Vault.open(data)) {
      bindNew(vault, "v2.1.0.tar.gz", "wip/pheanstalk", pheanstalk);
      bindNew(vault, "v2.1.0.tar.gz", "wip/boron", boron);
      DistfileName name = DistfileName.of("v2.1.0.tar.gz");
      assertEquals(2, vault.catalog().distfile(name).orElseThrow().variants().size());
      assertArrayEquals(pheanstalk, Files.readAllBytes(vault.locate(name, Optional.of("wip/pheanstalk")).file().orElseThrow()));
      assertArrayEquals(boron, Files.readAllBytes(vault.locate(name, Optional.of("wip/boron")).file().orElseThrow()));
      Vault.Located without = vault.locate(name, Optional.empty());
      assertEquals(Resolution.Match.AMBIGUOUS, without.resolution().match());
      assertTrue(without.file().isEmpty());
    }
  }

  @Test
  void startUpRecordsABlobFileTheCatalogNeverHeardOf() throws IOException {
    byte[] content = bytes(30, 70_000);
    Digest sha512;
    Vault.open(data).close(); // the store exists, with its catalog
    // A crash between rename and catalog write: the blob store alone stores the file.
    try (BlobStore blobs = BlobStore.open(data)) {
      sha512 = blobs.ingest(in(content), Expectation.of(content.length, Digests.empty())).sha512();
    }
    try (Vault vault = Vault.open(data)) {
      assertEquals(List.of(sha512), vault.recovery().recorded());
      var record = vault.catalog().blob(sha512).orElseThrow();
      assertEquals(content.length, record.size());
      // Every algorithm is computed, so any later expectation can be checked against it.
      assertEquals(EnumSet.allOf(DigestAlgorithm.class), record.digests().algorithms());
      assertEquals(digests(content, DigestAlgorithm.RMD160).get(DigestAlgorithm.RMD160), record.digests().get(DigestAlgorithm.RMD160));
    }
    try (Vault vault = Vault.open(data)) {
      assertTrue(vault.recovery().clean(), vault.recovery().toString());
    }
  }

  @Test
  void startUpDropsARecordWhoseFileIsGoneAndUnbindsItsNames() throws IOException {
    byte[] content = bytes(40, 9000);
    Digest sha512;
    try (Vault vault = Vault.open(data)) {
      sha512 = bindNew(vault, "gone-1.0.tar.gz", "devel/gone", content);
    }
    Path file = data.resolve("blobs/sha512").resolve(sha512.hex().substring(0, 2))
        .resolve(sha512.hex().substring(2, 4)).resolve(sha512.hex());
    Files.delete(file);
    try (Vault vault = Vault.open(data)) {
      assertEquals(List.of(sha512), vault.recovery().dropped());
      assertTrue(vault.catalog().blob(sha512).isEmpty());
      Vault.Located at = vault.locate(DistfileName.of("gone-1.0.tar.gz"), Optional.of("devel/gone"));
      assertEquals(Resolution.Match.PKGPATH, at.resolution().match());
      assertTrue(at.file().isEmpty(), "unbound");
      assertEquals(0, vault.catalog().stats().present());
    }
  }

  @Test
  void scrubQuarantinesAFlippedByteAndTheCatalogNeverReturnsItAgain() throws IOException {
    byte[] good = bytes(50, 100_000);
    byte[] bad = bytes(51, 100_000);
    try (Vault vault = Vault.open(data)) {
      Digest goodSha = bindNew(vault, "good-1.0.tar.gz", "devel/good", good);
      Digest badSha = bindNew(vault, "bad-1.0.tar.gz", "devel/bad", bad);
      Path badFile = vault.blobs().layout().path(badSha);
      Files.setPosixFilePermissions(badFile, PosixFilePermissions.fromString("rw-r--r--"));
      byte[] flipped = Files.readAllBytes(badFile);
      flipped[12_345] ^= 0x01;
      Files.write(badFile, flipped);

      ScrubReport report = vault.scrub();
      assertEquals(2, report.checked());
      assertEquals(1, report.corrupt().size());
      assertEquals(Optional.of(badSha), report.corrupt().get(0).expected());
      assertFalse(Files.exists(badFile));
      assertTrue(vault.catalog().blob(badSha).isEmpty());
      assertTrue(vault.findByDigest(badSha).isEmpty());
      assertTrue(vault.locate(DistfileName.of("bad-1.0.tar.gz"), Optional.of("devel/bad")).file().isEmpty());
      assertArrayEquals(good, Files.readAllBytes(vault.locate(DistfileName.of("good-1.0.tar.gz"), Optional.empty()).file().orElseThrow()));
      assertTrue(vault.catalog().blob(goodSha).isPresent());
      assertEquals(1, files(data.resolve("quarantine")).stream().filter(p -> p.getFileName().toString().equals(badSha.hex())).count());
    }
    try (Vault vault = Vault.open(data)) {
      assertTrue(vault.recovery().clean(), vault.recovery().toString());
    }
  }

  @Test
  void secondOpenOfTheSameDataDirectoryIsRefused() throws IOException {
    try (Vault vault = Vault.open(data)) {
      IOException e = assertThrows(IOException.class, () -> Vault.open(data));
      assertTrue(e.getMessage().contains("already open") || e.getMessage().contains("in use"), e.getMessage());
    }
    try (Vault again = Vault.open(data)) {
      assertEquals(0, again.catalog().stats().blobs());
    }
  }

  @Test
  void closedVaultRefusesCatalogCallsInsteadOfCrashing() throws IOException {
    Vault vault = Vault.open(data);
    Catalog catalog = vault.catalog();
    vault.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> catalog.stats());
    assertEquals("catalog is closed", e.getMessage());
  }

  /** Upserts {@code name} for {@code pkgpath} expecting {@code content}, ingests and binds it. */
  private static Digest bindNew(Vault vault, String name, String pkgpath, byte[] content)
      throws IOException {
    Digests want = digests(content, DigestAlgorithm.BLAKE2S, DigestAlgorithm.SHA512);
    DistfileName n = DistfileName.of(name);
    vault.catalog().upsert(new ExpectedDistfile(n, OptionalLong.of(content.length), want, Set.of(pkgpath), List.of()));
    StoredBlob blob = vault.ingest(in(content), Expectation.of(content.length, want));
    DistfileRecord r = vault.catalog().distfile(n).orElseThrow();
    VariantRef ref = r.ref(r.variantFor(pkgpath).orElseThrow());
    vault.catalog().bind(ref, blob.sha512());
    return blob.sha512();
  }

  private static Digests digests(byte[] content, DigestAlgorithm... algorithms) {
    MultiDigester d = MultiDigester.of(EnumSet.copyOf(List.of(algorithms)));
    d.update(content, 0, content.length);
    return d.finish();
  }

  private static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static InputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  private static List<Path> files(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
