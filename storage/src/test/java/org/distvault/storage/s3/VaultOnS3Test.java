package org.distvault.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.distvault.storage.blob.BlobStoreOptions;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.Digests;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.vault.BackupReport;
import org.distvault.storage.vault.GcReport;
import org.distvault.storage.vault.StoreDamagedException;
import org.distvault.storage.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A {@link Vault} whose blobs live in a real S3 server (s3proxy): the catalog, state and seals
 * stay in the data directory, garbage collection deletes objects (also those a crash left without
 * a catalog record, but not one an ingest is recording), a backup holds no blob and names
 * the bucket, and a lost catalog is refused on the state file without asking the bucket.
 */
class VaultOnS3Test extends OnS3Proxy {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir Path data;
  @TempDir Path cache;
  @TempDir Path backups;

  private Vault open(String prefix) throws IOException {
    return Vault.open(data, backend(prefix), Clock.systemUTC());
  }

  private S3BlobBackend backend(String prefix) throws IOException {
    return S3BlobBackend.open(TestBlobs.options(s3, prefix), CacheTier.open(cache, 8L << 20, BlobStoreOptions.defaults()));
  }

  private static String key(String prefix, Digest d) {
    return prefix + "/blobs/sha512/" + d.hex().substring(0, 2) + "/" + d.hex().substring(2, 4) + "/" + d.hex();
  }

  @Test
  void garbageCollectionDeletesTheObjectAndItsTierFile() throws IOException {
    String prefix = "vault-" + PREFIXES.incrementAndGet();
    byte[] bytes = TestBlobs.bytes(1, 70_000);
    Digest d = TestBlobs.sha512(bytes);
    try (Vault vault = open(prefix)) {
      vault.ingest(new ByteArrayInputStream(bytes), TestBlobs.exactly(bytes));
      assertTrue(s3.keys(TestBlobs.BUCKET, prefix + "/").contains(key(prefix, d)));
      assertFalse(Files.exists(data.resolve("blobs")), "no blob directory in the data directory");

      GcReport gc = vault.gc(0, true, Long.MAX_VALUE);

      assertEquals(1, gc.freedCount(), gc.toString());
      assertEquals(List.of(), s3.keys(TestBlobs.BUCKET, prefix + "/blobs/"));
      assertTrue(vault.blob(d).isEmpty());
      assertFalse(vault.file(d).isPresent(), "gone from the tier and the bucket");
    }
  }

  @Test
  void anObjectWithoutACatalogRecordIsGarbageAndApplyDeletesIt() throws IOException {
    String prefix = "vault-" + PREFIXES.incrementAndGet();
    byte[] kept = TestBlobs.bytes(4, 2000);
    byte[] orphan = TestBlobs.bytes(5, 30_000);
    Digest o = TestBlobs.sha512(orphan);
    try (Vault vault = open(prefix)) {
      Digest k = vault.ingest(new ByteArrayInputStream(kept), TestBlobs.exactly(kept)).sha512();
      vault.defaultSet().expect(List.of(new ExpectedDistfile(
          DistfileName.of("kept.tgz"), OptionalLong.of(kept.length),
          Digests.of(List.of(k)), Set.of(), List.of())));
      // What a crash between an upload and its catalog record leaves: a whole, valid object.
      s3.client().putObject(r -> r.bucket(TestBlobs.BUCKET).key(key(prefix, o)),
          RequestBody.fromBytes(orphan));
      assertTrue(vault.blob(o).isEmpty());

      GcReport dry = vault.gc(0, false, Long.MAX_VALUE);
      assertEquals(1, dry.garbageCount(), dry.toString());
      assertEquals(orphan.length, dry.garbageBytes());
      assertEquals(o, dry.largest().get(0).sha512());
      assertEquals(0, dry.freedCount());
      assertTrue(s3.keys(TestBlobs.BUCKET, prefix + "/").contains(key(prefix, o)), "a dry run deletes nothing");

      GcReport gc = vault.gc(0, true, Long.MAX_VALUE);
      assertEquals(1, gc.freedCount(), gc.toString());
      assertEquals(orphan.length, gc.freedBytes());
      assertEquals(List.of(key(prefix, k)), s3.keys(TestBlobs.BUCKET, prefix + "/blobs/"),
          "the orphan is gone, the expected blob stays");
      assertEquals(0, vault.gc(0, false, Long.MAX_VALUE).garbageCount());
    }
  }

  @Test
  void anObjectUploadedByAnIngestWhoseRecordIsStillOnItsWayIsNotGarbage() throws IOException {
    String prefix = "vault-" + PREFIXES.incrementAndGet();
    byte[] bytes = TestBlobs.bytes(6, 4000);
    S3BlobBackend backend = backend(prefix);
    try (Vault vault = Vault.open(data, backend, Clock.systemUTC())) {
      // The backend's half of an ingest: uploaded (the vault is told), not yet recorded.
      StoredBlob uploaded = backend.ingest(new ByteArrayInputStream(bytes), TestBlobs.exactly(bytes));
      assertTrue(vault.blob(uploaded.sha512()).isEmpty());

      GcReport gc = vault.gc(0, true, Long.MAX_VALUE);

      assertEquals(0, gc.garbageCount(), gc.toString());
      assertTrue(s3.keys(TestBlobs.BUCKET, prefix + "/").contains(key(prefix, uploaded.sha512())));
      vault.record(uploaded);
      assertTrue(vault.file(uploaded.sha512()).isPresent());
    }
  }

  @Test
  void theDataDirectoryHasAnEmptiedTmpForTheServersSpoolFiles() throws IOException {
    String prefix = "vault-" + PREFIXES.incrementAndGet();
    open(prefix).close();
    Path leftover = Files.writeString(data.resolve("tmp/manifest-left-by-a-crash.jsonl"), "{}\n");
    try (Vault vault = open(prefix)) {
      assertTrue(Files.isDirectory(data.resolve("tmp")));
      assertFalse(Files.exists(leftover), "emptied at start, as with local blobs");
    }
  }

  @Test
  void backupHoldsTheCatalogAndNamesTheBucket() throws IOException {
    String prefix = "vault-" + PREFIXES.incrementAndGet();
    byte[] bytes = TestBlobs.bytes(2, 5000);
    Path to = backups.resolve("monday");
    try (Vault vault = open(prefix)) {
      vault.ingest(new ByteArrayInputStream(bytes), TestBlobs.exactly(bytes));
      BackupReport report = vault.backup(to);
      assertEquals(1, report.blobs());
      assertEquals(5000, report.bytes());
      assertEquals(0, report.linked() + report.copied());
    }
    assertFalse(Files.exists(to.resolve("blobs")), "no blob files in the backup");
    String manifest = Files.readString(to.resolve("backup.json"), StandardCharsets.UTF_8);
    assertTrue(manifest.contains("\"in\" : \"s3://" + TestBlobs.BUCKET + "/" + prefix + "\""), manifest);
  }

  @Test
  void reopenKeepsTheRecordsAndALostCatalogIsRefused() throws IOException {
    String prefix = "vault-" + PREFIXES.incrementAndGet();
    byte[] bytes = TestBlobs.bytes(3, 3000);
    Digest d = TestBlobs.sha512(bytes);
    try (Vault vault = open(prefix)) {
      vault.ingest(new ByteArrayInputStream(bytes), TestBlobs.exactly(bytes));
    }
    try (Vault vault = open(prefix)) {
      assertTrue(vault.blob(d).isPresent());
      assertTrue(vault.file(d).isPresent());
    }
    try (var index = Files.walk(data.resolve("index"))) {
      index.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    StoreDamagedException e = assertThrows(StoreDamagedException.class, () -> open(prefix));
    assertTrue(e.getMessage().contains("store.state"), e.getMessage());
  }
}
