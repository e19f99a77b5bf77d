package org.distvault.storage.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.distvault.storage.blob.TestContent;
import org.distvault.storage.record.BlobRecord;
import org.distvault.storage.digest.Digest;
import org.distvault.storage.digest.DigestAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL at random points while it ingests 64-128 MiB contents through a
 * {@link Vault}, many times, and checks after each kill that start-up empties {@code DATA/tmp/},
 * that every blob file present is whole (it hashes to its own name), and that the catalog
 * records exactly the blob files.
 */
class VaultCrashTest {
  /** Fewest kills, however long they take. */
  private static final int MIN_ROUNDS = 15;
  /** Most kills; past {@link #MIN_ROUNDS} the test stops once the time budget is spent. */
  private static final int MAX_ROUNDS = 25;
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(45);
  private static final String END = "<end of output>";

  @TempDir Path work;

  @Test
  void sigkillDuringIngestLeavesEitherTheWholeVerifiedBlobOrNothing() throws Exception {
    Path data = work.resolve("data");
    Random random = new Random(20260102);
    Set<Path> verified = new HashSet<>();
    Map<Long, String> committed = new HashMap<>();
    int roundsWithLeftovers = 0;
    int recoveredRecords = 0;
    long start = System.nanoTime();
    int round = 0;
    for (; round < MAX_ROUNDS; round++) {
      if (round >= MIN_ROUNDS && System.nanoTime() - start > BUDGET_NANOS) {
        break;
      }
      // Every fourth round waits for a commit first, so that kills also land after renames.
      boolean afterCommit = round % 4 == 3;
      List<String> output = runAndKill(data, round, afterCommit, random);
      for (String line : output) {
        String[] f = line.split(" ");
        if (f[0].equals("committed")) {
          committed.put(Long.parseLong(f[1]), f[2]);
        }
      }
      int leftovers = TestContent.entries(data.resolve("tmp")).size();
      if (leftovers > 0) {
        roundsWithLeftovers++;
      }

      try (Vault vault = Vault.open(data)) {
        assertEquals(leftovers, vault.recovery().tmpRemoved(), "round " + round);
        assertEquals(List.of(), TestContent.entries(data.resolve("tmp")), "round " + round);
        recoveredRecords += vault.recovery().recorded().size();
        verifyEveryBlob(vault, verified);
        for (Map.Entry<Long, String> c : committed.entrySet()) {
          Digest sha512 = Digest.fromHex(DigestAlgorithm.SHA512, c.getValue());
          assertTrue(vault.blobs().contains(sha512), "acknowledged blob of seed " + c.getKey());
          assertEquals(CrashIngestMain.sizeOf(c.getKey()), Files.size(vault.blobs().layout().path(sha512)));
          assertTrue(vault.catalog().blob(sha512).isPresent(), "catalog records seed " + c.getKey());
        }
      }
      assertEquals(List.of(), TestContent.entries(data.resolve("quarantine")));
    }
    System.out.printf(
        "%d kills in %d s: %d interrupted an ingest (leftovers in tmp), %d acknowledged commits,"
            + " %d blobs verified, %d recorded at start-up after a kill between rename and catalog%n",
        round, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), roundsWithLeftovers,
        committed.size(), verified.size(), recoveredRecords);
    assertTrue(roundsWithLeftovers > 0, "some kill interrupted an ingest mid-way");
    assertTrue(committed.size() >= MIN_ROUNDS / 4, "commits happened: " + committed.size());
  }

  /** Starts a child, waits until it is ready (or committed once), kills it; returns its output. */
  private List<String> runAndKill(Path data, int round, boolean afterCommit, Random random)
      throws Exception {
    long firstSeed = round * 1001L; // alternates the hashing mode
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CrashIngestMain.class.getName(),
            data.toString(),
            Long.toString(firstSeed),
            "100");
    // A killed JVM leaves its extracted librocksdbjni*.so behind: keep it inside the temp dir.
    pb.environment().put(
        "ROCKSDB_SHAREDLIB_DIR", Files.createDirectories(work.resolve("native")).toString());
    pb.redirectError(work.resolve("child-" + round + ".stderr").toFile());
    Process child = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> readLines(child.getInputStream(), lines), "child-stdout");
    reader.start();
    List<String> seen = new ArrayList<>();
    try {
      String ready = lines.poll(60, TimeUnit.SECONDS);
      assertNotNull(ready, "child ready within 60 s");
      assertTrue(ready.startsWith("ready "), "child said: " + ready + " " + stderr(round));
      seen.add(ready);
      if (afterCommit) {
        String first = lines.poll(120, TimeUnit.SECONDS);
        assertNotNull(first, "child committed within 120 s");
        assertTrue(first.startsWith("committed "), "child said: " + first + " " + stderr(round));
        seen.add(first);
        Thread.sleep(random.nextInt(300));
      } else {
        // The first few hundred ms after "ready" go to class loading before the temp file exists.
        Thread.sleep(300 + random.nextInt(2000));
      }
    } finally {
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "killed child exits");
      reader.join(10_000);
    }
    for (String l = lines.poll(); l != null && !l.equals(END); l = lines.poll()) {
      seen.add(l);
    }
    return seen;
  }

  private static void readLines(InputStream in, BlockingQueue<String> lines) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        lines.add(l);
      }
    } catch (IOException e) {
      lines.add("read error: " + e);
    } finally {
      lines.add(END);
    }
  }

  private String stderr(int round) {
    try {
      return Files.readString(work.resolve("child-" + round + ".stderr"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Hashes every blob not verified before and checks it names its own content, read-only, and
   * that the catalog records exactly the blob files, with their sizes.
   */
  private static void verifyEveryBlob(Vault vault, Set<Path> verified) throws Exception {
    Set<Digest> files = new HashSet<>();
    for (Path p : TestContent.filesUnder(vault.blobs().layout().root())) {
      Optional<Digest> named = vault.blobs().layout().digestAt(p);
      files.add(named.orElseThrow(() -> new AssertionError("valid blob path: " + p)));
      BlobRecord record =
          vault.catalog().blob(named.get()).orElseThrow(() -> new AssertionError("recorded: " + p));
      assertEquals(Files.size(p), record.size(), "recorded size of " + p);
      assertTrue(named.isPresent(), "valid blob path: " + p);
      assertTrue(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), p.toString());
      assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      if (verified.add(p)) {
        assertEquals(named.get().hex(), sha512Hex(p), "blob content matches its name: " + p);
      }
    }
    Set<Digest> recorded = new HashSet<>();
    for (BlobRecord b : vault.catalog().listBlobs(Optional.empty(), 10_000)) {
      recorded.add(b.sha512());
    }
    assertEquals(files, recorded, "catalog blob records equal the blob files");
  }

  private static String sha512Hex(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-512");
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(p)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
