package org.distvault.storage.vault;

import static org.distvault.storage.vault.Contents.bytes;
import static org.distvault.storage.vault.Contents.digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.blob.Expectation;
import org.distvault.storage.blob.StoredBlob;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.distfile.ExpectedDistfile;
import org.distvault.storage.name.DistfileName;
import org.distvault.storage.name.SetName;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.record.DistfileRecord;
import org.distvault.storage.record.LogKind;
import org.distvault.storage.record.Seal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Vault#backup}: a point-in-time copy taken while writes go on, which opens as the same store. */
class BackupTest {
  static final SetName A = SetName.of("2026Q4");
  static final SetName B = SetName.of("2027Q1");

  @TempDir Path tmp;

  @Test
  void aBackupTakenUnderConcurrentWritesOpensAsTheStoreAtItsCheckpoint() throws Exception {
    Path data = tmp.resolve("data");
    Path to = tmp.resolve("backup");
    BackupReport report;
    Seal sealA;
    String storeId;
    long violationsBefore;
    long violationsAfter;
    try (Vault vault = Vault.open(data)) {
      storeId = vault.storeId();
      SourceSet a = vault.createSet(A);
      SourceSet b = vault.createSet(B);
      for (int i = 0; i < 5; i++) {
        bindNew(vault, a, "a-" + i + ".tgz", "misc/a" + i, bytes(i, 5000 + i));
        bindNew(vault, b, "b-" + i + ".tgz", "misc/b" + i, bytes(100 + i, 3000 + i));
      }
      sealA = a.seal(Instant.parse("2026-12-06T10:00:00Z"));
      for (int i = 0; i < 10; i++) {
        vault.append(LogKind.VIOLATIONS, violation(i));
      }
      vault.append(LogKind.AUDIT, "{\"action\":\"seal\"}".getBytes(StandardCharsets.UTF_8));

      ExecutorService pool = Executors.newFixedThreadPool(3);
      CountDownLatch started = new CountDownLatch(3);
      List<Future<?>> writers = new ArrayList<>();
      writers.add(pool.submit(() -> { // ingests and binds into the filling default set
        for (int i = 0; i < 40; i++) {
          bindNew(vault, vault.defaultSet(), "d-" + i + ".tgz", "misc/d" + i, bytes(1000 + i, 2000 + i));
          if (i == 2) {
            started.countDown();
          }
        }
        return null;
      }));
      writers.add(pool.submit(() -> { // violations
        for (int i = 10; i < 400; i++) {
          vault.append(LogKind.VIOLATIONS, violation(i));
          if (i == 20) {
            started.countDown();
          }
        }
        return null;
      }));
      writers.add(pool.submit(() -> { // seals and unseals B
        for (int i = 0; i < 8; i++) {
          vault.set(B).orElseThrow().seal(Instant.now());
          if (i == 0) {
            started.countDown();
          }
          vault.set(B).orElseThrow().unseal();
        }
        vault.set(B).orElseThrow().seal(Instant.now());
        return null;
      }));
      assertTrue(started.await(60, TimeUnit.SECONDS));
      violationsBefore = vault.lastCursor(LogKind.VIOLATIONS);
      report = vault.backup(to);
      violationsAfter = vault.lastCursor(LogKind.VIOLATIONS);
      for (Future<?> f : writers) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertTrue(violationsBefore <= report.violationCursor() && report.violationCursor() <= violationsAfter,
          violationsBefore + " <= " + report.violationCursor() + " <= " + violationsAfter);
    }

    assertEquals(storeId, report.storeId());
    assertEquals(List.of(), report.missing());
    assertEquals(report.blobs(), report.linked(), "same file system: every blob hard-linked");
    assertTrue(Files.exists(to.resolve("backup.json")));
    assertTrue(Files.exists(to.resolve("seals").resolve(sealA.digest().substring("sha256:".length()) + ".tsv")));
    assertTrue(Files.readString(to.resolve("seals").resolve(sealA.digest().substring("sha256:".length()) + ".json"))
        .contains("\"sealedBy\":{\"" + A.value() + "\":\"" + sealA.at() + "\"}"), "who sealed it, for a recovery");
    assertTrue(Files.notExists(to.resolve("admin.token")));
    Map<String, Optional<Seal>> reported = new java.util.TreeMap<>();
    report.sets().forEach(s -> reported.put(s.name(), s.seal()));
    assertEquals(Optional.of(sealA), reported.get(A.value()));
    assertEquals(Optional.empty(), reported.get(SetName.DEFAULT.value()));

    try (Vault restored = Vault.open(to)) { // StateKeeper.check passes
      assertEquals(storeId, restored.storeId());
      assertEquals(List.of(), restored.recovery().dropped());
      assertEquals(List.of(), restored.recovery().recorded());
      assertEquals(report.sets().stream().map(s -> SetName.of(s.name())).sorted().toList(), restored.sets());
      for (BackupReport.SetState s : report.sets()) {
        assertEquals(s.seal(), restored.set(SetName.of(s.name())).orElseThrow().sealed(), s.name());
      }
      assertEquals(Optional.of(sealA), restored.set(A).orElseThrow().sealed());
      assertEquals(report.violationCursor(), restored.lastCursor(LogKind.VIOLATIONS));
      assertEquals(report.violations(), restored.read(LogKind.VIOLATIONS, 0, Vault.MAX_PAGE).size());
      assertEquals(report.violationCursor(), report.violations());
      assertEquals(report.auditCursor(), restored.lastCursor(LogKind.AUDIT));
      List<BlobRecord> blobs = restored.listBlobs(Optional.empty(), Vault.MAX_PAGE);
      assertEquals(report.blobs(), blobs.size());
      for (BlobRecord r : blobs) {
        Path f = restored.file(r.sha512()).orElseThrow();
        assertEquals(r.sha512().hex(), sha512(f), f.toString());
      }
      // The vault alone keeps no violations file (the server does): none to copy.
      assertTrue(Files.notExists(to.resolve("log/violations.jsonl")));
    }
  }

  @Test
  void blobFilesThatCannotBeLinkedAreCopiedVerifiedAndReadOnly() throws Exception {
    Path data = tmp.resolve("data");
    Digest d;
    Seal seal;
    try (Vault vault = Vault.open(data)) {
      d = bindNew(vault, vault.defaultSet(), "c.tgz", "misc/c", bytes(9, 70_000));
      bindNew(vault, vault.defaultSet(), "e.tgz", "misc/e", bytes(10, 10));
      seal = vault.seal(Instant.parse("2026-12-06T12:00:00Z"));
      BackupReport r = vault.backup(tmp.resolve("b"), false);
      assertEquals(2, r.copied());
      assertEquals(0, r.linked());
      assertEquals(70_010, r.bytes());
      Path copy = tmp.resolve("b").resolve(data.relativize(vault.file(d).orElseThrow()));
      assertTrue(!Files.isSameFile(copy, vault.file(d).orElseThrow()));
      assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(copy)));
    }
    try (Vault restored = Vault.open(tmp.resolve("b"))) {
      assertEquals(Optional.of(seal), restored.sealed());
      assertEquals(d.hex(), sha512(restored.file(d).orElseThrow()));
    }
  }

  @Test
  void aBlobFileThatDoesNotHoldItsRecordIsLeftOutAndReported() throws Exception {
    Path data = tmp.resolve("data");
    Digest cut;
    try (Vault vault = Vault.open(data)) {
      cut = bindNew(vault, vault.defaultSet(), "t.tgz", "misc/t", bytes(11, 1000));
      bindNew(vault, vault.defaultSet(), "u.tgz", "misc/u", bytes(12, 1000));
      Path f = vault.file(cut).orElseThrow();
      f.toFile().setWritable(true);
      try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(500);
      }
      assertEquals(List.of(cut), vault.backup(tmp.resolve("linked")).missing());
      assertEquals(List.of(cut), vault.backup(tmp.resolve("copied"), false).missing());
    }
    for (String b : List.of("linked", "copied")) {
      try (Vault restored = Vault.open(tmp.resolve(b))) {
        assertEquals(List.of(cut), restored.recovery().dropped(), b);
        assertEquals(1, restored.listBlobs(Optional.empty(), 10).size(), b);
      }
    }
  }

  @Test
  void onAnotherFileSystemTheCatalogAndTheBlobsAreCopied() throws Exception {
    Path shm = Path.of("/dev/shm");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
        && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "no second file system at /dev/shm");
    Path data = tmp.resolve("data");
    Path to = shm.resolve("distvault-backup-test-" + java.util.UUID.randomUUID());
    try {
      Seal seal;
      try (Vault vault = Vault.open(data)) {
        bindNew(vault, vault.defaultSet(), "c.tgz", "misc/c", bytes(13, 20_000));
        bindNew(vault, vault.defaultSet(), "e.tgz", "misc/e", bytes(14, 30_000));
        seal = vault.seal(Instant.parse("2026-12-06T12:00:00Z"));
        vault.append(LogKind.VIOLATIONS, violation(1));
        BackupReport r = vault.backup(to);
        assertEquals(2, r.copied());
        assertEquals(0, r.linked());
      }
      try (Vault restored = Vault.open(to)) {
        assertEquals(Optional.of(seal), restored.sealed());
        assertEquals(1, restored.lastCursor(LogKind.VIOLATIONS));
        assertEquals(2, restored.listBlobs(Optional.empty(), 10).size());
      }
    } finally {
      if (Files.exists(to)) {
        try (var walk = Files.walk(to)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  @Test
  void aTargetThatExistsAndIsNotEmptyIsRefused() throws IOException {
    Path data = tmp.resolve("data");
    Path to = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(to.resolve("x"), "x");
    BackupReport done;
    try (Vault vault = Vault.open(data)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vault.backup(to));
      assertTrue(e.getMessage().contains("exists and is not empty"), e.getMessage());
      assertEquals("x", Files.readString(to.resolve("x")), "a refused target is left as it was");
      assertThrows(IllegalArgumentException.class, () -> vault.backup(data.resolve("inside")));
      assertEquals(Optional.empty(), vault.lastBackup(), "no backup succeeded yet");
      // An empty directory is fine.
      Path empty = Files.createDirectories(tmp.resolve("empty"));
      done = vault.backup(empty);
      assertEquals(0, done.blobs());
      assertEquals(Optional.of(new BackupReport.Last(done.time(), empty, 0)), vault.lastBackup());
      assertThrows(IllegalArgumentException.class, () -> vault.backup(to));
      assertEquals(Optional.of(new BackupReport.Last(done.time(), empty, 0)), vault.lastBackup(),
          "a backup that fails leaves the last one recorded");
    }
    try (Vault restored = Vault.open(tmp.resolve("empty"))) {
      assertEquals(List.of(SetName.DEFAULT), restored.sets());
    }
    try (Vault again = Vault.open(data)) {
      assertEquals(Optional.of(new BackupReport.Last(done.time(), tmp.resolve("empty"), 0)), again.lastBackup(),
          "kept in the catalog");
    }
  }

  @Test
  void aRecordedBlobWhoseFileIsGoneIsReported() throws IOException {
    Path data = tmp.resolve("data");
    Digest gone;
    try (Vault vault = Vault.open(data)) {
      gone = bindNew(vault, vault.defaultSet(), "g.tgz", "misc/g", bytes(7, 100));
      bindNew(vault, vault.defaultSet(), "h.tgz", "misc/h", bytes(8, 100));
      Files.delete(vault.file(gone).orElseThrow());
      BackupReport r = vault.backup(tmp.resolve("b"));
      assertEquals(List.of(gone), r.missing());
      assertEquals(1, r.blobs());
    }
    try (Vault restored = Vault.open(tmp.resolve("b"))) {
      assertEquals(List.of(gone), restored.recovery().dropped());
    }
  }

  @Test
  void theViolationsFileIsCutAtTheCheckpointsCursor() throws IOException {
    Path data = tmp.resolve("data");
    try (Vault vault = Vault.open(data)) {
      for (int i = 0; i < 3; i++) {
        vault.append(LogKind.VIOLATIONS, violation(i));
      }
      // As the server writes it, and lines of violations the checkpoint will not hold (a cut one too).
      StringBuilder file = new StringBuilder();
      for (int c = 1; c <= 5; c++) {
        file.append("{\"cursor\":").append(c).append(",\"name\":\"v.tgz\"}\n");
      }
      file.append("{\"cursor\":6,\"na");
      Files.createDirectories(data.resolve("log"));
      Files.writeString(data.resolve("log/violations.jsonl"), file);
      BackupReport r = vault.backup(tmp.resolve("b"));
      assertEquals(3, r.violationCursor());
      assertEquals(3, r.violationLines());
      assertEquals(List.of("{\"cursor\":1,\"name\":\"v.tgz\"}", "{\"cursor\":2,\"name\":\"v.tgz\"}",
          "{\"cursor\":3,\"name\":\"v.tgz\"}"), Files.readAllLines(tmp.resolve("b/log/violations.jsonl")));
    }
  }

  private static byte[] violation(int i) {
    return ("{\"name\":\"v" + i + ".tgz\",\"reason\":\"unknown\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static String sha512(Path f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-512");
    try (InputStream in = Files.newInputStream(f)) {
      md.update(in.readAllBytes());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Digest bindNew(Vault vault, SourceSet set, String name, String pkgpath, byte[] content)
      throws IOException {
    set.expect(List.of(new ExpectedDistfile(DistfileName.of(name), OptionalLong.of(content.length),
        digests(content), Set.of(pkgpath), List.of())));
    StoredBlob blob = vault.ingest(new ByteArrayInputStream(content), Expectation.of(content.length, digests(content)));
    DistfileRecord r = set.distfile(DistfileName.of(name)).orElseThrow();
    set.bind(r.ref(r.variantFor(pkgpath).orElseThrow()), blob.sha512());
    return blob.sha512();
  }
}
